"""A search checks what readers may see of a candidate on its page: every entry names
its article's page, each page is checked once per search, and a search whose filters
are not all about the page checks each article as before."""

from __future__ import annotations

import datetime
import importlib
import itertools

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from editions.models import Article
from editions.search import scan
from editions.search.names import ENTRY, PENDING
from tests.factories import (
    ArticleFactory,
    EditionFactory,
    PageFactory,
    SectionFactory,
    build_edition,
)

pytestmark = pytest.mark.django_db


def entry_pages() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id, page_id FROM {ENTRY} WHERE article_id IS NOT NULL")
        return dict(cursor.fetchall())


def entry_number(article_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT docno FROM {ENTRY} WHERE article_id = %s", [article_id])
        return cursor.fetchone()[0]


@pytest.fixture
def two_sections():
    """Two editions (one withdrawn) of four pages: pages 1-2 in 要闻, 3-4 in 国际;
    three articles a page, each holding 春耕."""
    news = SectionFactory(name="要闻", slug="yao-wen")
    world = SectionFactory(name="国际", slug="guo-ji")
    editions = [
        EditionFactory(date=datetime.date(2024, 3, 1)),
        EditionFactory(date=datetime.date(2024, 3, 2), is_published=False),
    ]
    for edition, number in itertools.product(editions, range(1, 5)):
        page = PageFactory(edition=edition, number=number, section=news if number < 3 else world)
        for position in range(1, 4):
            ArticleFactory(page=page, position=position, body=f"第{number}版春耕{position}。")
    return news, world


def test_every_entry_names_its_articles_page(two_sections):
    assert entry_pages() == dict(Article.objects.values_list("pk", "page_id"))


def test_an_article_moved_to_another_page_is_indexed_again_on_it(two_sections):
    """Its text unchanged, it is written anew under a new number: the entry must name
    the page whose section and visibility a search checks."""
    article = Article.objects.filter(page__number=1, page__edition__is_published=True).first()
    before = entry_number(article.pk)
    article.page, article.position = article.page.edition.pages.get(number=4), 9
    article.save()
    assert entry_pages()[article.pk] == article.page_id
    assert entry_number(article.pk) != before
    found = Article.objects.published().filter(page__section__slug="guo-ji").search("春耕")
    assert article in found.search_page(size=20).articles
    assert {slug: n for slug, _, n in found.search_facets().sections} == {"guo-ji": 7}


def test_the_facets_count_each_section_from_its_pages(two_sections):
    facets = Article.objects.published().search("春耕").search_facets()
    assert facets.total == 12
    assert {slug: n for slug, _, n in facets.sections} == {"yao-wen": 6, "guo-ji": 6}


def test_a_deleted_article_leaves_the_results_before_the_flush(two_sections):
    """Its number is retired by the next flush (on PostgreSQL; SQLite's trigger does it
    at once); meanwhile the queue says it is gone, and no search shows it."""
    gone = list(Article.objects.filter(page__edition__is_published=True, page__number=3))
    Article.objects.filter(pk__in=[a.pk for a in gone]).delete()
    found = Article.objects.published().search("春耕")
    assert found.search_facets().total == 9
    assert not {a.pk for a in gone} & {a.pk for a in found.search_page(size=20).articles}


def test_a_withdrawn_edition_leaves_the_results_at_once(two_sections):
    Article.objects.first().page.edition.__class__.objects.update(is_published=False)
    assert Article.objects.published().search("春耕").search_facets().total == 0


FILTERS = [
    Q(),
    Q(page__section__slug="guo-ji"),
    Q(page__number=2),
    Q(page__number__in=[1, 4]),
    ~Q(page__section__slug="yao-wen") | Q(page__number=1),
    Q(title__startswith="测试"),  # about the article: checked article by article
]


def test_a_queryset_joined_with_another_is_checked_article_by_article(two_sections):
    """``&`` adds the other queryset's filters without ``filter()``: the title filter
    must not be lost to the page check."""
    one = Article.objects.filter(page__number=1, position=1)
    found = (Article.objects.published() & one).search("春耕")
    assert found.search_facets().total == found.count() == 1


@pytest.mark.parametrize("filtered", FILTERS, ids=str)
@pytest.mark.parametrize("size", [2, 20])
def test_the_page_check_finds_what_the_article_check_finds(two_sections, filtered, size):
    """Every filter checked on the candidates' pages finds exactly what it finds on the
    articles (the queryset's own ``count()``, which asks the database per article)."""
    queryset = Article.objects.published().filter(filtered).search("春耕")
    expected = set(Article.objects.published().filter(filtered).values_list("pk", flat=True))
    assert (queryset._page_check() is None) == ("title" in str(filtered))
    page = queryset.search_page(order="newest", size=size)
    facets = queryset.search_facets()
    assert facets.total == len(expected) == queryset.count()
    assert {a.pk for a in page.articles} <= expected
    assert len(page.articles) == min(size, len(expected))


def test_a_filter_of_the_pages_is_the_same_filter_on_pages():
    queryset = (
        Article.objects.published()
        .filter(page__section__slug="yao-wen", page=7)
        .exclude(page__number=3)
        .filter(page__in=[7, 8])
    )
    assert queryset._search_pages == (
        Q(edition__is_published=True, edition__paper__is_listed=True),
        Q(section__slug="yao-wen", pk=7),
        ~Q(number=3),
        Q(pk__in=[7, 8]),
    )
    page = PageFactory()
    # as its articles' manager filters them (when the query is first made)
    assert page.articles.search("春耕")._search_pages == (Q(pk=page.pk),)
    assert Article.objects.filter(page__in=[page])._search_pages == (Q(pk__in=[page.pk]),)
    assert queryset.filter(title="x")._search_pages is None
    assert queryset.filter(page__articles__title="x")._search_pages is None
    assert queryset.exclude(page__number__gt=1).filter(body="x")._search_pages is None
    assert queryset.complex_filter(Q(page__number=1))._search_pages is None
    for combined in (
        queryset & Article.objects.filter(title="x"),
        queryset | Article.objects.filter(title="x"),
        queryset ^ Article.objects.filter(title="x"),
    ):
        assert combined._search_pages is None
    assert queryset.complex_filter({"page__number": 1})._search_pages[-1] == Q(number=1)


def test_a_pages_own_articles_are_searched_on_it(two_sections):
    page = Article.objects.filter(page__number=3).first().page
    found = page.articles.search("春耕")
    assert found.search_facets().total == found.count() == 3
    assert {a.page_id for a in found.search_page(size=5).articles} == {page.pk}


def test_many_candidates_have_each_page_checked_once(two_sections, monkeypatch):
    """A check of more than a few candidates asks for their pages afterwards, each
    page once: twelve candidates on four pages, four pages asked."""
    monkeypatch.setattr(scan, "INLINE_PAGES", 4)
    queryset = Article.objects.published().search("春耕")
    with CaptureQueriesContext(connection) as queries:
        facets = queryset.search_facets()
    assert facets.total == 12
    asked = [q["sql"] for q in queries.captured_queries if "p.page_id" in q["sql"]]
    assert len(asked) == 1
    reader = queryset.__dict__["_search_reading"][0]
    assert len(reader.seen_pages) == 8  # the withdrawn edition's pages too: not shown
    assert sum(section is None for section in reader.seen_pages.values()) == 4


@pytest.mark.django_db(transaction=True)
def test_migration_0017_gives_an_earlier_index_its_pages():
    """An index built before 0017 (and a rebuild under way) gets the column, filled
    from the articles, and on PostgreSQL the key holding it and the queue's mark of a
    deleted article; going back leaves the key of 0016. Entries still without a page
    are checked on their article's."""
    from editions.search import backends

    migration = importlib.import_module("editions.migrations.0017_search_entry_names_its_page")
    backend = backends.for_connection(connection)
    edition = build_edition(pages=2, articles_per_page=2)
    last = Article.objects.order_by("pk").last()
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        backend.create_schema(cursor, "_build")
    with connection.schema_editor(atomic=False) as editor:
        migration.backward(None, editor)  # the key of 0016, without the page
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (ENTRY, f"{ENTRY}_build"):
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN page_id")
        if postgresql:
            cursor.execute(f"ALTER TABLE {PENDING} DROP COLUMN gone")
    try:
        with connection.schema_editor(atomic=False) as editor:
            migration.forward(None, editor)
        pages = dict(Article.objects.values_list("pk", "page_id"))
        # (entries of other transactional tests' articles outlive them: not of this one)
        assert {a: p for a, p in entry_pages().items() if a in pages} == pages
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, f"{ENTRY}_build")
            assert "page_id" in {c.name for c in columns}
            if postgresql:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes "
                    "WHERE indexname LIKE 'editions_search_entry%%pkey'"
                )
                keys = [row[0].split(" USING btree ")[1] for row in cursor.fetchall()]
                assert keys == ["(docno) INCLUDE (article_id, page_id)"] * 2
        with connection.cursor() as cursor:  # as a build of the earlier code writes it
            cursor.execute(f"UPDATE {ENTRY} SET page_id = NULL WHERE article_id = %s", [last.pk])
        assert Article.objects.published().search("第一段").search_facets().total == 4
        edition.pages.get(number=1).articles.first().delete()
        assert Article.objects.published().search("第一段").search_facets().total == 3
        if postgresql:
            with connection.schema_editor(atomic=False) as editor:
                migration.backward(None, editor)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'editions_search_entry_pkey'"
                )
                assert cursor.fetchone()[0].endswith("(docno) INCLUDE (article_id)")
            with connection.schema_editor(atomic=False) as editor:
                migration.forward(None, editor)  # as it was
    finally:
        with connection.cursor() as cursor:
            backend.drop_schema(cursor, "_build")
