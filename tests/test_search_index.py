"""The full-text index: folding and tokens, exactness against a substring search,
the query language, and the index kept in step with every kind of change."""

from __future__ import annotations

import datetime
import random
from functools import reduce

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editions.models import Article, Edition
from editions.search import search_index_flush, search_index_remove, search_index_update
from editions.search.indexing import pending_count
from editions.search.postings import ACROSS, HEAD, bucket, build, lookup, string_tokens
from editions.search.query import MAX_QUERY_LENGTH, MAX_TERMS, parse
from editions.search.text import fold, fold_table, index_runs, word_runs
from tests.factories import ArticleFactory, EditionFactory, PageFactory, build_edition

FIELDS = ("kicker", "title", "subtitle", "byline", "body")


def found(q: str, queryset=None) -> set[int]:
    queryset = Article.objects.all() if queryset is None else queryset
    return set(queryset.search(q).values_list("pk", flat=True))


def substring(q: str) -> set[int]:
    condition = reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": q}) for f in FIELDS))
    return set(Article.objects.filter(condition).values_list("pk", flat=True))


def every_page(queryset, order: str, size: int = 3) -> list[int]:
    """Walk the result pages with their cursors: the ids in the order shown."""
    ids, after = [], None
    while True:
        page = queryset.search_page(order=order, after=after, size=size)
        ids += [a.pk for a in page.articles]
        if page.next_after is None:
            return ids
        after = page.next_after


# --- text ----------------------------------------------------------------------------


def test_folding_keeps_the_length_and_maps_to_one_spelling():
    text = "國家發展 Ｃ９１９ ABC"
    assert fold(text) == "国家发展 c919 abc"
    assert len(fold(text)) == len(text)


def test_runs_are_the_word_runs_joined_by_one_space():
    assert word_runs(fold("国家主席，C919　客机！")) == "国家主席 c919 客机"
    assert word_runs("") == ""


def test_the_runs_indexed_are_those_of_the_folded_text():
    """Indexing folds only what can change a run (full-width ，stays: it ends one either
    way), and gets exactly the runs of the whole folding, for every folded character."""
    for code in [*fold_table(), *range(0x20, 0x250), 0x3000]:
        for text in (f"a{chr(code)}b", chr(code), f"{chr(code)}{chr(code)}国"):
            assert index_runs(text) == word_runs(fold(text)), hex(code)


def test_a_string_needs_its_pairs_or_its_one_character():
    pair = lambda a, b: ord(a) << 21 | ord(b)  # noqa: E731
    assert string_tokens("国家主") == [pair("国", "家"), pair("家", "主")]
    assert string_tokens("国 c9") == [ACROSS | pair("国", "c"), ord("国") << 21, pair("c", "9")]
    assert string_tokens("国家", head=True) == [HEAD | pair("国", "家")]
    assert len(string_tokens("国家主席人民春耕生产")) == 4  # a long phrase: a few suffice


TOKEN_TEXT = st.text(alphabet=st.sampled_from(list("国家國主席Cc9１ 　，。\x00𠀀İé")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.tuples(TOKEN_TEXT, TOKEN_TEXT), min_size=1, max_size=40))
def test_the_postings_list_every_character_and_pair_of_each_document(texts):
    """Each token's list names exactly the documents whose runs hold it (the head's
    own tokens too), whatever the characters, stored as a list or as a bitmap of one
    to three words (up to 40 documents)."""
    heads = [word_runs(fold(head)) for head, _ in texts]
    bodies = [word_runs(fold(body)) for _, body in texts]
    numbers = [1000 + 3 * n for n in range(len(texts))]
    segment = build(numbers, heads, bodies)
    rows = dict(segment.rows)
    words = {c for text in heads + bodies for c in text if c != " "} | {"国", "x"}
    strings = {a + b for a in words for b in words} | {f"{a} {b}" for a in words for b in words}
    for string in strings | words:
        for head in (False, True):
            token = string_tokens(string, head=head)[0]
            row = rows.get(bucket(token, segment.buckets))
            listed = set(lookup(row, token).tolist()) if row else set()
            where = heads if head else [f"{h} {b}" for h, b in zip(heads, bodies, strict=True)]
            assert listed == {n for n, text in enumerate(where) if string in text}, string


def test_the_query_language():
    query = parse('春耕 "C919 客机" -天气 -"雨 雪"')
    assert [t.folded for t in query.terms] == ["春耕", "c919 客机"]
    assert [t.folded for t in query.excluded] == ["天气", "雨 雪"]
    assert len(query.terms[1].alternatives) == 2  # C919客机 and C919 客机


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "！？。，",
        '"',
        '""',
        "\x00\x00",
        "-",
        "- -",
        '"unterminated',
        "*) OR (",
        "NEAR(",
        "'; DROP TABLE editions_article; --",
        "{head}: x",
        "%_\\",
        "\u200b\ufeff",
    ],
)
def test_any_input_parses(raw):
    parse(raw)  # never raises


def test_long_queries_are_cut_with_a_notice():
    query = parse("国" * 10_000)
    assert len(query.text) == MAX_QUERY_LENGTH
    assert query.notices
    many = parse(" ".join(f"词{n}" for n in range(20)))
    assert len(many.terms) == MAX_TERMS
    assert many.notices


def test_only_exclusions_or_punctuation_say_why_nothing_is_searched():
    assert not parse("-天气")
    assert parse("-天气").notices
    assert not parse("！！")
    assert parse("！！").notices


# --- exactness ------------------------------------------------------------------------

#: Simplified characters that folding leaves alone, few enough to collide often.
ALPHABET = "国家主席人民春耕生产政协"
NOISE = ALPHABET + "，。 “”\n"


@pytest.fixture
def corpus(db):
    rng = random.Random(7)
    page = PageFactory(edition=EditionFactory(date=datetime.date(2024, 8, 2)), number=1)
    others = [
        PageFactory(edition=EditionFactory(date=datetime.date(2020 + n, 3, 1)), number=1)
        for n in range(3)
    ]
    for position in range(1, 61):
        values = {f: "".join(rng.choices(NOISE, k=rng.randint(0, 12))) for f in FIELDS}
        values["body"] = "".join(rng.choices(NOISE, k=rng.randint(0, 200)))
        values["title"] = values["title"].strip() or "题"
        ArticleFactory(page=rng.choice([page, *others]), position=position, **values)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=st.text(alphabet=ALPHABET, min_size=1, max_size=4))
def test_the_index_finds_exactly_what_a_substring_search_finds(corpus, q):
    """Both ways: the filter (every document's runs checked) and the pages the
    postings drive."""
    expected = substring(q)
    assert found(q) == expected
    assert set(every_page(Article.objects.all().search(q), "newest", size=25)) == expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=3), min_size=1, max_size=3),
    order=st.sampled_from(["relevance", "newest", "oldest"]),
)
def test_every_page_walked_gives_every_match_once(corpus, words, order):
    q = " ".join(words)
    queryset = Article.objects.all().search(q)
    ids = every_page(queryset, order)
    assert len(ids) == len(set(ids))
    assert set(ids) == found(q)
    if order != "relevance":
        dates = [Article.objects.get(pk=i).page.edition.date for i in ids]
        assert dates == sorted(dates, reverse=order == "newest")


def test_traditional_and_simplified_find_each_other(db):
    simplified = ArticleFactory(title="国家发展报告")
    traditional = ArticleFactory(title="國家發展報告")
    assert found("國家") == {simplified.pk, traditional.pk}
    assert found("国家发展") == {simplified.pk, traditional.pk}


def test_latin_words_and_numbers_match_as_typed(db):
    plane = ArticleFactory(title="国产大飞机C919首航", body="2024年8月")
    wide = ArticleFactory(title="Ｃ９１９ 客机", body="")
    assert found("c919") == {plane.pk, wide.pk}
    assert found("2024年") == {plane.pk}
    assert found('"C919 客机"') == {wide.pk}
    assert found("C919客机") == set()  # not in a row in either


def test_all_words_must_match_and_minus_excludes(db):
    both = ArticleFactory(title="春耕", body="生产忙")
    one = ArticleFactory(title="春耕", body="天气好")
    assert found("春耕 生产") == {both.pk}
    assert found("春耕 -生产") == {one.pk}
    assert found('春耕 -"天气 好"') == {both.pk}


def test_a_word_does_not_match_across_punctuation(db):
    ArticleFactory(title="中国，家园", body="")
    assert found("国家") == set()
    assert substring("国家") == set()


def test_page_marks_are_not_text(db):
    ArticleFactory(body="第一段。\n\n--- 第4版 ---\n\n第二段。")
    assert found("4版") == set()


# --- ranking ----------------------------------------------------------------------------


def test_title_matches_rank_above_body_matches_whatever_the_date(db):
    old_title = ArticleFactory(
        page=PageFactory(edition=EditionFactory(date=datetime.date(2001, 1, 1)), number=1),
        title="春耕开始",
        body="",
    )
    new_body = ArticleFactory(
        page=PageFactory(edition=EditionFactory(date=datetime.date(2024, 1, 1)), number=1),
        title="别的",
        body="今年春耕开始得早",
    )
    page = Article.objects.search("春耕").search_page()
    assert [a.pk for a in page.articles] == [old_title.pk, new_body.pk]
    newest = Article.objects.search("春耕").search_page(order="newest")
    assert [a.pk for a in newest.articles] == [new_body.pk, old_title.pk]


def test_titles_rank_first_with_words_excluded_and_after_a_correction(db):
    def article(year, title, body):
        page = PageFactory(edition=EditionFactory(date=datetime.date(year, 1, 1)), number=1)
        return ArticleFactory(page=page, title=title, body=body)

    titled = article(2001, "春耕开始", "田里")
    body = article(2024, "别的", "今年春耕开始得早")
    excluded = article(2010, "春耕时节", "夜市")
    page = Article.objects.search("春耕 -夜市").search_page()
    assert [a.pk for a in page.articles] == [titled.pk, body.pk]
    body.title = "春耕新闻"  # a correction moves it to the best tier
    body.save()
    page = Article.objects.search("春耕").search_page()
    assert [a.pk for a in page.articles] == [body.pk, excluded.pk, titled.pk]


def test_words_standing_together_rank_above_scattered_ones(db):
    day = PageFactory(edition=EditionFactory(date=datetime.date(2024, 1, 2)), number=1)
    scattered = ArticleFactory(page=day, title="甲", body="春耕" + "。别的话" * 20 + "生产")
    close = ArticleFactory(
        page=PageFactory(edition=EditionFactory(date=datetime.date(2020, 1, 1)), number=1),
        title="乙",
        body="春耕生产",
    )
    page = Article.objects.search("春耕 生产").search_page()
    assert [a.pk for a in page.articles] == [close.pk, scattered.pk]


def test_recency_breaks_ties(db):
    older = build_edition(date=datetime.date(2023, 5, 1), pages=1, articles_per_page=1)
    newer = build_edition(date=datetime.date(2024, 5, 1), pages=1, articles_per_page=1)
    page = Article.objects.search("第一段").search_page()
    assert [a.page.edition_id for a in page.articles] == [newer.pk, older.pk]


def test_a_date_range_is_searched_as_a_range(db):
    for year in (2020, 2021, 2022):
        build_edition(date=datetime.date(year, 6, 1), pages=1, articles_per_page=2)
    queryset = Article.objects.search_dates(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    page = queryset.search("第一段").search_page()
    assert {a.page.edition.date.year for a in page.articles} == {2021}
    assert len(page.articles) == 2
    facets = queryset.search("第一段").search_facets()
    assert facets.years == [(2021, 2)]


def test_facets_count_years_and_sections(db):
    build_edition(date=datetime.date(2023, 1, 1), pages=2, articles_per_page=2)
    build_edition(date=datetime.date(2024, 1, 1), pages=1, articles_per_page=2)
    facets = Article.objects.search("第一段").search_facets()
    assert facets.total == 6
    assert not facets.more
    assert facets.years == [(2024, 2), (2023, 4)]
    assert facets.sections == [("yao-wen", "要闻", 6)]
    capped = Article.objects.search("第一段").search_facets(limit=4)
    assert capped.more
    assert capped.total == 4


# --- keeping the index in step -----------------------------------------------------------


def test_an_editors_correction_is_searchable_at_once(imported_article):
    imported_article.body = "更正后的正文：春耕"
    imported_article.save()
    assert found("春耕") == {imported_article.pk}
    assert found("第一段正文") == set()


def test_a_reverted_correction_is_searched_again(imported_article):
    imported_article.title = "改过的标题"
    imported_article.save()
    history = imported_article.history.order_by("history_date")
    history.first().instance.save()
    assert found("改过的标题") == set()
    assert imported_article.pk in found(imported_article.imported["title"])


def test_a_word_taken_out_is_not_found_whatever_its_length(db):
    """One and two characters are decided by the postings alone, which still list a
    corrected article's old number: that number is retired, never given again, to
    the new version or to another article."""
    day = PageFactory(edition=EditionFactory(date=datetime.date(2024, 3, 1)), number=1)
    ArticleFactory(page=day, title="甲", body="春耕")
    last = ArticleFactory(page=day, title="乙", body="夜市 灯")  # the day's highest number
    last.body = "别的"
    last.save()
    ArticleFactory(page=day, title="丙", body="别的话")
    gone = ArticleFactory(page=day, title="丁", body="灯会")
    gone.delete()
    ArticleFactory(page=day, title="戊", body="没有")
    for q in ("夜市", "灯", "夜市 灯"):
        for order in ("relevance", "newest", "oldest"):
            assert every_page(Article.objects.search(q), order) == []
        assert found(q) == set()
        assert Article.objects.search(q).search_facets().total == 0


@pytest.mark.parametrize("q", ["国", "国家", "国家主席", "人民 -政协", '"春耕 生产"'])
def test_a_filter_with_too_many_candidates_checks_every_document(corpus, monkeypatch, q):
    from editions.search import queryset

    monkeypatch.setattr(queryset, "FILTER_CANDIDATES", 0)
    assert found(q) == substring_all(q)


def test_a_deleted_article_leaves_the_index(edition):
    article = Article.objects.filter(page__edition=edition).first()
    article.delete()
    assert article.pk not in found("第一段")
    Article.objects.filter(page__edition=edition, page__number=2).delete()
    assert not found("第2版")


def test_bulk_writes_are_queued_by_the_database_and_indexed_by_a_flush(edition):
    page = edition.pages.get(number=1)
    new = Article.objects.bulk_create([Article(page=page, position=9, title="批量写入的标题")])
    Article.objects.filter(page=page, position=1).update(body="用查询集改写的正文")
    assert pending_count() >= 2
    assert found("批量写入") == set()  # not yet
    search_index_flush()
    assert pending_count() == 0
    assert found("批量写入") == {new[0].pk}
    assert found("查询集改写") == {Article.objects.get(page=page, position=1).pk}


def test_the_update_and_remove_functions(edition):
    article = Article.objects.filter(page__edition=edition).first()
    Article.objects.filter(pk=article.pk).update(title="直接改的标题")
    search_index_update([article.pk])
    assert found("直接改的标题") == {article.pk}
    search_index_remove([article.pk])
    assert found("直接改的标题") == set()


def test_a_redated_edition_is_searched_by_its_new_date(edition):
    edition.date = datetime.date(2020, 2, 2)
    edition.save()
    queryset = Article.objects.search_dates(datetime.date(2020, 2, 2), datetime.date(2020, 2, 2))
    assert len(queryset.search("第一段").search_page().articles) == 12


def test_publishing_and_withdrawing_need_no_reindexing(edition):
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    assert not found("第一段", Article.objects.published())
    Edition.objects.filter(pk=edition.pk).update(is_published=True)
    assert len(found("第一段", Article.objects.published())) == 12


def test_an_import_is_searchable_when_its_job_has_run(db, demo_dir):
    """The tests run jobs as they are queued (tests/test_search_jobs.py: with a queue)."""
    call_command("create_paper", "ljwb", "临江晚报", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    assert pending_count() == 0
    assert found("公交")


def test_rebuild_swaps_in_a_complete_index_and_resumes(edition, capsys):
    Article.objects.filter(page__edition=edition, page__number=1).update(title="改了不索引")
    with connection.cursor() as cursor:  # as if the writes had bypassed the triggers
        cursor.execute("DELETE FROM editions_search_pending")
    assert found("改了不索引") == set()
    call_command("rebuild_search_index", "--batch-size", "5", verbosity=0)
    assert len(found("改了不索引")) == 3
    assert len(found("第一段")) == 12
    call_command("rebuild_search_index", verbosity=0)  # again: same result
    assert len(found("第一段")) == 12
    call_command("rebuild_search_index", "--pending", verbosity=0)


@pytest.fixture(params=["as written", "rebuilt"])
def layout(request, corpus, monkeypatch):
    """The corpus's segments as its saves left them (single articles, merged eight at a
    time), or rebuilt in segments of nine; first a segment read, a candidate checked."""
    from editions.search import scan

    monkeypatch.setattr(scan, "FIRST_CHUNK", 1)
    monkeypatch.setattr(scan, "FIRST_READ", 1)
    if request.param == "rebuilt":
        call_command("rebuild_search_index", "--batch-size", "9", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM editions_search_segment")
        assert cursor.fetchone()[0] > 3
    return request.param


@pytest.mark.parametrize(
    "q", ["国", "国家", "国家主席", '"春耕 生产"', "人民 -政协", '"国家 主席" 人', "政协 春"]
)
def test_scans_over_many_segments_page_and_count_exactly_the_matches(layout, q):
    """However the segments lie, the pages and facets hold the same articles as the
    plain filter, each once, in order."""
    queryset = Article.objects.all().search(q)
    expected = set(queryset.values_list("pk", flat=True))
    assert expected == substring_all(q)
    for order in ("relevance", "newest", "oldest"):
        ids = every_page(queryset, order)
        assert sorted(ids) == sorted(expected)
    assert queryset.search_facets().total == len(expected)


def substring_all(q: str) -> set[int]:
    """The articles holding every word of ``q`` and none of its ``-words``, by ``icontains``."""
    query = parse(q)
    ids = set(Article.objects.values_list("pk", flat=True))
    for term in query.terms:
        ids &= set().union(*(substring(alt) for alt in term.alternatives))
    for term in query.excluded:
        ids -= set().union(*(substring(alt) for alt in term.alternatives))
    return ids
