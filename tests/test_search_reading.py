"""One search's reading of the index: every candidate checked once and shared by the
page's tiers and the facets, whichever asks first."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editions.models import Article
from editions.search import backends, postings, scan
from editions.search.text import fold
from tests.factories import ArticleFactory, EditionFactory, PageFactory

pytestmark = pytest.mark.django_db

QUERIES = ["国家", "国家 主席 人民", '"国家 主席"', "主席 -人民", "春耕生产"]


@pytest.fixture
def archive():
    """Articles over three years and two sections, some holding the words apart, some
    together, some in the title; one whose text has the pairs of "国家 主席 人民"
    as typed together but not 主席 itself."""
    pages = [
        PageFactory(edition=EditionFactory(date=datetime.date(2022 + n // 2, 5, 1 + n)), number=1)
        for n in range(6)
    ]
    texts = [
        ("国家主席会见", "人民代表。"),
        ("要闻", "国家，主席，人民，春耕生产。"),
        ("会议", "国家 主席 人民"),
        ("春耕", "春耕生产国家。"),
        ("另文", "国家主义，出席人民。"),  # 国家, 家主, 席人, 人民: no 主席
        ("无关", "天气。"),
        ("主席讲话", "主席说，春耕。"),
    ]
    for n in range(35):
        title, body = texts[n % len(texts)]
        ArticleFactory(page=pages[n % len(pages)], position=n + 1, title=title, body=body)


def terms_of(q: str) -> list[str]:
    return [w.strip('"') for w in q.split() if not w.startswith("-")]


def excluded(q: str) -> list[str]:
    return [w[1:] for w in q.split() if w.startswith("-")]


@pytest.mark.parametrize("q", QUERIES)
def test_every_match_the_reader_keeps_holds_every_word(archive, q):
    """The check leaves one- and two-character words to the postings, so no scan may
    check a number its postings do not give for every word (the words-together tier
    included): what the reader keeps as a match must hold them all."""
    queryset = Article.objects.published().search(q)
    queryset.search_page(size=3)
    queryset.search_facets()
    reader = queryset.__dict__["_search_reading"][0]
    kept = {c.article_id for c in reader.checked.values() if c is not None}
    assert kept
    for article in Article.objects.filter(pk__in=kept):
        text = fold(" ".join([article.kicker, article.title, article.subtitle, article.body]))
        assert all(term in text for term in terms_of(q)), (q, article.body)
        assert not any(term in text for term in excluded(q)), (q, article.body)


@pytest.mark.parametrize("q", QUERIES)
def test_facets_first_or_page_first_give_the_same(archive, q):
    fresh = Article.objects.published().search(q)
    page, facets = fresh.search_page(size=4), fresh.search_facets()
    other = Article.objects.published().search(q)
    facets_first, page_after = other.search_facets(), other.search_page(size=4)
    assert facets_first == facets
    assert [a.pk for a in page_after.articles] == [a.pk for a in page.articles]
    assert page_after.next_after == page.next_after
    assert facets.total == Article.objects.published().search(q).count()


def test_a_rare_words_candidates_are_checked_in_one_statement(archive, monkeypatch):
    """Segments are read on while their candidates cannot fill a check: the few
    candidates of a rare word, one or two in each of many segments, are checked
    together rather than a segment's worth at a time (a statement each)."""
    call_command("rebuild_search_index", "--batch-size", "5", verbosity=0)  # in date order
    monkeypatch.setattr(scan, "FIRST_READ", 1)  # a segment per read, were it not for this
    queryset = Article.objects.published().search("主席讲话")
    with CaptureQueriesContext(connection) as queries:
        page = queryset.search_page(order="newest", size=20)
    reader = queryset.__dict__["_search_reading"][0]
    assert len(reader.segments) > 3
    checks = [q for q in queries.captured_queries if "SELECT e.docno" in q["sql"]]
    assert len(checks) == 1
    assert {a.pk for a in page.articles} == set(
        Article.objects.filter(title="主席讲话").values_list("pk", flat=True)
    )


def test_a_walk_through_every_segment_reads_the_postings_in_few_statements(archive, monkeypatch):
    """Segments are read in groups growing :data:`.scan.GROWTH` times each time: a rare
    word found in every segment reads seven segments of five in groups of 5, 20 and
    10 documents: three statements, where groups growing four times (5, 5, 20, 5) were
    four."""
    call_command("rebuild_search_index", "--batch-size", "5", verbosity=0)
    monkeypatch.setattr(scan, "FIRST_READ", 1)
    queryset = Article.objects.published().search("主席讲话")
    with CaptureQueriesContext(connection) as queries:
        page = queryset.search_page(order="oldest", size=20)
    reader = queryset.__dict__["_search_reading"][0]
    assert len(reader.segments) == 7
    reads = [q for q in queries.captured_queries if "editions_search_posting" in q["sql"]]
    assert len(reads) == 3
    assert len(page.articles) == 5


def test_postgresql_finds_an_articles_page_by_its_id_in_an_index(db):
    """The check of every candidate looks up its article's page: on PostgreSQL an index
    holds both, so the lookup need not read the article's row (a read from disk per
    candidate when the archive is not all in memory). SQLite finds the row by id in
    the table's own tree, and has no such index."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "editions_article")
    covering = indexes.get("editions_article_id_page")
    if connection.vendor == "postgresql":
        assert covering is not None
        assert covering["columns"] == ["id", "page_id"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'editions_article_id_page'"
            )
            assert cursor.fetchone()[0].endswith("(id) INCLUDE (page_id)")
    else:
        assert covering is None


def read_for(segment, tokens) -> set[int]:
    """The posting rows of ``segment`` that hold ``tokens``."""
    return {segment.id << 16 | postings.bucket(t, segment.buckets) for t in tokens}


def title_walk(word: str):
    """A reader of every token of ``word`` (the body's and the title's) that has read
    the newest two of the archive's segments of five, then the rest for the title's
    tokens alone, as the title tier's walk does; with the segments, newest first, and
    the two sets of tokens."""
    call_command("rebuild_search_index", "--batch-size", "5", verbosity=0)
    body, head = set(postings.string_tokens(word)), set(postings.string_tokens(word, head=True))
    reader = scan.Reader(
        backends.for_connection(connection), 0, 1 << 62, tokens=frozenset(body | head)
    )
    with connection.cursor() as cursor:
        segments = sorted(reader.load(cursor), key=lambda s: -s.high)
        assert len(segments) > 3
        reader._read(cursor, segments[:2], head)
        reader._read(cursor, segments[2:], head)
    return reader, segments, body, head


def test_only_the_first_segments_read_are_read_for_every_token(archive):
    """The newest group of segments, where every scan of a search starts, is read for
    all the search's tokens in one statement; a deeper segment only for the tokens of
    the scan that reaches it (the title tier's walk to the oldest segment must not
    bring the body's lists of every segment)."""
    reader, segments, body, head = title_walk("国家")
    for segment in segments[:2]:
        assert read_for(segment, body | head) <= reader.rows.keys()
    body_only = set()  # rows of the body's tokens alone (a row may hold both kinds)
    for segment in segments[2:]:
        assert read_for(segment, head) <= reader.rows.keys()
        body_only |= read_for(segment, body) - read_for(segment, head)
    assert body_only
    assert not body_only & reader.rows.keys()
    assert not reader.sparse & body  # 国家's lists are bitmaps in segments of five


def test_a_rare_words_lists_are_read_with_the_title_tiers_walk(archive, monkeypatch):
    """A token in few of the first segments' documents is read with every deeper
    segment any scan reads: the title tier walks every segment for a rare word's few
    title matches, and the facets, walking them again for its matches anywhere, find
    them read (a statement less for each group). A common word's are not."""
    monkeypatch.setattr(scan, "SPARSE", 4)  # one in 128 is none at all in this archive
    reader, segments, body, head = title_walk("天气")
    assert reader.sparse == body | head  # 天气: one article in seven, never in a title
    common = Article.objects.published().search("国家")
    common.search_page(size=2)
    assert not common.__dict__["_search_reading"][0]._sparse() & set(postings.string_tokens("国家"))
    for segment in segments[2:]:
        assert read_for(segment, body) <= reader.rows.keys()


def test_the_facets_check_no_tiers(archive):
    """The facets' candidates are checked without their tiers (which may read the
    whole text even where the postings decided the words); a page after them asks for
    the tiers of the matches it meets (here in one statement: of this query's tiers,
    only the last has matches in this archive, so one scan asks)."""
    queryset = Article.objects.published().search("国家 人民")
    with CaptureQueriesContext(connection) as facets_queries:
        facets = queryset.search_facets()
    assert facets.total
    checks = [
        q["sql"]
        for q in facets_queries.captured_queries
        if "FROM editions_search_entry" in q["sql"]
    ]
    assert checks
    assert not any("CASE" in sql for sql in checks)
    reader = queryset.__dict__["_search_reading"][0]
    assert {c.tier for c in reader.checked.values() if c is not None} == {None}
    with CaptureQueriesContext(connection) as page_queries:
        page = queryset.search_page(size=3)
    assert page.articles
    assert sum("CASE" in q["sql"] for q in page_queries.captured_queries) == 1
    assert all(a.search_rank >> 56 in (0, 1, 2) for a in page.articles)
