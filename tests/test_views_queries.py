"""Every public view's SQL query count, pinned, and the same for a small and a large edition."""

import datetime

import pytest

from tests.factories import build_edition

pytest_plugins = ["tests.reader_fixtures"]
pytestmark = pytest.mark.django_db

SMALL = datetime.date(2024, 8, 1)
LARGE = datetime.date(2024, 8, 2)

#: view -> (path for an edition date, queries): the edition (1), its pages with their
#: sections (1), then one query for a page's headlines, an article, or the whole index.
VIEWS = {
    "edition": ("/{date}/", 3),
    "page": ("/{date}/page/2/", 3),
    "article": ("/{date}/page/2/2/", 4),
    "headlines": ("/{date}/headlines/", 3),
    "headlines filtered": ("/{date}/headlines/?section=yao-wen", 3),
}


@pytest.fixture
def two_editions(db):
    """A small and a large edition, the large one with a story jumping across pages."""
    build_edition(date=SMALL, pages=2, articles_per_page=2)
    large = build_edition(date=LARGE, pages=12, articles_per_page=10)
    story = large.pages.get(number=2).articles.get(position=2)
    story.body = "第一段。\n\n--- 第5版 ---\n\n第二段。\n\n--- 第9版 ---\n\n第三段。"
    story.save()
    return large


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("date", [SMALL, LARGE], ids=["small", "large"])
def test_query_count_is_pinned_and_independent_of_edition_size(
    client, two_editions, django_assert_num_queries, view, date
):
    path, queries = VIEWS[view]
    with django_assert_num_queries(queries):
        response = client.get(path.format(date=date.isoformat()))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [(2, 2), (12, 10)], ids=["small", "large"])
def test_front_page_query_count(client, django_assert_num_queries, db, size):
    build_edition(date=LARGE, pages=size[0], articles_per_page=size[1])
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


def test_page_with_continued_articles_costs_no_more(
    client, two_editions, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = client.get("/2024-08-02/page/9/")
    assert "上接第2版" in response.content.decode()


@pytest.mark.parametrize("editions", [1, 6], ids=["one edition", "six editions"])
def test_archive_query_count(client, django_assert_num_queries, db, editions):
    for day in range(editions):
        build_edition(date=datetime.date(2024, 8, 1 + day), pages=1, articles_per_page=1)
    with django_assert_num_queries(2):
        assert client.get("/archive/2024/08/").status_code == 200
    with django_assert_num_queries(3):  # finding the latest edition's month first
        assert client.get("/archive/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/archive/?date=2024-08-01").status_code == 302


@pytest.mark.parametrize("pages", [1, 8], ids=["few results", "many results"])
def test_search_query_count(client, django_assert_num_queries, db, pages):
    build_edition(date=LARGE, pages=pages, articles_per_page=5)
    with django_assert_num_queries(2):  # the count, then one page of results
        assert client.get("/search/?q=第一段").status_code == 200


def test_not_found_costs_one_query(client, two_editions, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/2024-08-09/page/1/").status_code == 404


def test_staff_preview_adds_only_the_login_and_the_second_lookup(
    staff_client, django_assert_num_queries, db
):
    build_edition(date=LARGE, pages=6, articles_per_page=6, published=False)
    # session + user, the published lookup that misses, the staff lookup, then as usual
    with django_assert_num_queries(7):
        assert staff_client.get("/2024-08-02/page/2/2/").status_code == 200


@pytest.mark.parametrize(
    ("path", "target"),
    [("/2024-08-02/previous/", "/2024-08-01/"), ("/2024-08-01/next/", "/2024-08-02/")],
)
def test_stepping_to_the_neighbouring_edition_costs_one_query(
    client, two_editions, django_assert_num_queries, path, target
):
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == target
