"""Every public view's SQL query count, pinned, and the same for a small and a large edition,
with a second paper's editions of the same dates in the database."""

import datetime

import pytest

from tests.factories import PaperFactory, build_edition
from tests.paths import (
    archive_path,
    article_path,
    edition_path,
    headlines_path,
    page_path,
    paper_path,
    search_path,
)

pytestmark = pytest.mark.django_db

SMALL = datetime.date(2024, 8, 1)
LARGE = datetime.date(2024, 8, 2)

#: view -> (path of an edition's date, queries): the edition with its paper (1), its pages
#: with their sections (1), then one query for a page's headlines, an article, or the index.
VIEWS = {
    "edition": (edition_path, 3),
    "page": (lambda day: page_path(2, day), 3),
    "article": (lambda day: article_path(2, 2, day), 4),
    "headlines": (headlines_path, 3),
    "headlines filtered": (lambda day: headlines_path(day) + "?section=yao-wen", 3),
}


@pytest.fixture
def other_paper(db):
    """A second title of the group, with editions of the same dates."""
    paper = PaperFactory(code="ljwb", name="临江晚报")
    for day in (SMALL, LARGE):
        build_edition(date=day, pages=3, articles_per_page=4, paper=paper)
    return paper


@pytest.fixture
def two_editions(db, other_paper):
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
        response = client.get(path(date))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [(2, 2), (12, 10)], ids=["small", "large"])
def test_a_papers_latest_edition_query_count(client, django_assert_num_queries, db, size):
    build_edition(date=LARGE, pages=size[0], articles_per_page=size[1])
    with django_assert_num_queries(3):
        assert client.get(paper_path()).status_code == 200


@pytest.mark.parametrize("size", [(2, 2), (12, 10)], ids=["small", "large"])
def test_front_door_of_a_single_paper_costs_one_query_more(
    client, django_assert_num_queries, db, size
):
    build_edition(date=LARGE, pages=size[0], articles_per_page=size[1])
    with django_assert_num_queries(4):  # the papers, then the paper's latest edition
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("papers", [2, 6], ids=["two papers", "six papers"])
def test_titles_front_page_query_count(client, django_assert_num_queries, db, papers):
    build_edition(date=LARGE, pages=4, articles_per_page=8)
    for index in range(1, papers):
        paper = PaperFactory(code=f"paper{index}", name=f"第{index}报")
        build_edition(date=LARGE, pages=2, articles_per_page=8, paper=paper)
    # papers with their latest edition, the editions, their first pages, their headlines
    with django_assert_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('class="title-card"') == papers


def test_page_with_continued_articles_costs_no_more(
    client, two_editions, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = client.get(page_path(9, "2024-08-02"))
    assert "上接第2版" in response.content.decode()


@pytest.mark.parametrize("editions", [1, 6], ids=["one edition", "six editions"])
def test_archive_query_count(client, django_assert_num_queries, other_paper, editions):
    for day in range(editions):
        build_edition(date=datetime.date(2024, 8, 1 + day), pages=1, articles_per_page=1)
    # the paper, the month's editions, the bounds
    with django_assert_num_queries(3):
        assert client.get(archive_path(2024, 8)).status_code == 200
    with django_assert_num_queries(4):  # finding the latest edition's month first
        assert client.get(archive_path()).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(archive_path() + "?date=2024-08-01").status_code == 302


@pytest.mark.parametrize(
    ("pages", "queries"), [(1, 7), (8, 8)], ids=["few results", "many results"]
)
def test_search_query_count(
    client, django_assert_num_queries, django_assert_max_num_queries, other_paper, pages, queries
):
    build_edition(date=LARGE, pages=pages, articles_per_page=5)
    # the papers; the index's segments; the postings of every tier's tokens (at once);
    # the segments' maps; the check of the candidates (once: the view asks for the page
    # before the facets, which need no tiers); the page's articles; the facets' section
    # names. With many results, the facets check the candidates past the page's first
    # chunk: one query more.
    with django_assert_num_queries(queries):
        assert client.get(search_path() + "?q=第一段").status_code == 200
    # the other paper's search (its maps may be the process's already: at most as many)
    with django_assert_max_num_queries(queries):
        assert client.get(search_path("ljwb") + "?q=第一段").status_code == 200


def test_not_found_costs_one_query(client, two_editions, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(page_path(1, "2024-08-09")).status_code == 404


def test_staff_preview_adds_only_the_login_and_the_permissions(
    staff_client, django_assert_num_queries, db
):
    build_edition(date=LARGE, pages=6, articles_per_page=6, published=False)
    # session + user, the user's permissions (own, group's), then as a reader's: the
    # papers they edit go into the edition's lookup as a subquery
    with django_assert_num_queries(8):
        assert staff_client.get(article_path(2, 2, "2024-08-02")).status_code == 200


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (edition_path("2024-08-02", "previous-edition"), edition_path("2024-08-01")),
        (edition_path("2024-08-01", "next-edition"), edition_path("2024-08-02")),
    ],
)
def test_stepping_to_the_neighbouring_edition_costs_one_query(
    client, two_editions, django_assert_num_queries, path, target
):
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == target


def test_a_page_or_article_with_its_image_and_regions_costs_one_query_more(
    client, two_editions, django_assert_num_queries
):
    """The regions (with their articles' titles) are the one query an image adds."""
    from editions.printed import render_pages_for
    from tests.test_printed import add_regions, attach_image, attach_pdf

    for page in two_editions.pages.filter(number__in=(2, 3)):
        attach_image(page)
        attach_pdf(page)
        add_regions(page)
    render_pages_for(list(two_editions.pages.all()))
    with django_assert_num_queries(4):
        response = client.get(page_path(2, LARGE))
    assert response.content.decode().count("<polygon") == 10
    # The article view: its regions on the pages it is printed on are the one query an
    # image adds (for its position on the page); its photos come with the article's own
    # row (a LEFT JOIN), so they cost none, however many there are. The edition's pages
    # and page 2's headlines were loaded by the page view above and are kept
    # (views/navigation.py): no query for them.
    from tests.test_printed_article import add_photo

    story = two_editions.pages.get(number=2).articles.get(position=2)
    for order in (1, 2, 3):
        add_photo(story, order, f"图{order}")
    with django_assert_num_queries(3):
        response = client.get(article_path(2, 2, LARGE))
    assert response.content.decode().count('class="article-photo"') == 3
    assert response.content.decode().count("<polygon") == 1
