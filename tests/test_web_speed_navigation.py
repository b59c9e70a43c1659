"""The edition's page list, kept per process under the edition's fingerprint
(``editions/views/navigation.py``), is never shown once the edition has changed.

The rendered-page cache is off in these tests (``READER_PAGE_CACHE_SECONDS = 0``),
so every request renders and what is checked is the kept navigation alone.
"""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from editions.models import Edition, Page
from editions.views import navigation
from tests.factories import PageFactory, build_edition
from tests.paths import article_path, headlines_path, page_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.READER_PAGE_CACHE_SECONDS = 0
    navigation.store.clear()


def page_list(html: str) -> list[tuple[str, str, bool]]:
    """The page list as (link, text, marked current)."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (a["href"], " ".join(a.get_text().split()), a.get("aria-current") == "page")
        for a in soup.select(".page-list a")
    ]


def test_the_pages_are_loaded_once_per_edition_version(client, edition, django_assert_num_queries):
    with django_assert_num_queries(3):  # the edition, its pages, the page's headlines
        client.get(page_path(1))
    with django_assert_num_queries(2):  # another page of it: the pages are at hand
        client.get(page_path(2))
    with django_assert_num_queries(3):  # an article: the edition, the article, the headlines
        client.get(article_path(3, 1))
    edition.touch()
    with django_assert_num_queries(3):  # changed: loaded again
        client.get(page_path(2))


@pytest.mark.parametrize("view", ["page", "article", "headlines"])
def test_a_renamed_page_shows_in_the_page_list_at_once(client, edition, view):
    path = {"page": page_path(1), "article": article_path(1, 1), "headlines": headlines_path()}
    assert "要闻3" in client.get(path[view]).content.decode()
    page = Page.objects.get(edition=edition, number=3)
    page.name = "经济新闻"
    page.save()
    html = client.get(path[view]).content.decode()
    assert "经济新闻" in html
    assert "要闻3" not in html


def test_a_page_added_or_deleted_changes_the_list(client, edition):
    assert len(page_list(client.get(page_path(1)).content.decode())) == 4
    PageFactory(edition=edition, number=5, name="副刊")
    assert len(page_list(client.get(page_path(1)).content.decode())) == 5
    assert client.get(page_path(5)).status_code == 200
    Page.objects.filter(edition=edition, number=5).delete()
    assert len(page_list(client.get(page_path(1)).content.decode())) == 4
    assert client.get(page_path(5)).status_code == 404


def test_a_deleted_section_leaves_its_pages_at_once(client, edition):
    """Its pages lose it by SET_NULL, an UPDATE that no page's save sees; the kept
    navigation (section feeds, the headline index's filter) must not keep it."""
    section = Page.objects.get(edition=edition, number=1).section
    assert f"/sections/{section.slug}/" in client.get(page_path(1)).content.decode()
    section.delete()
    section_feeds = f"/sections/{section.slug}/"
    assert section_feeds not in client.get(page_path(1)).content.decode()
    assert section_feeds not in client.get(headlines_path()).content.decode()


def test_only_the_current_page_is_marked_whichever_page_came_first(client, edition):
    for number in (2, 1, 4, 2):
        listed = page_list(client.get(page_path(number)).content.decode())
        assert [current for _, _, current in listed] == [n == number for n in range(1, 5)]
        listed = page_list(client.get(article_path(number, 1)).content.decode())
        assert [current for _, _, current in listed] == [n == number for n in range(1, 5)]
    listed = page_list(client.get(headlines_path()).content.decode())
    assert not any(current for _, _, current in listed)


def test_the_list_links_every_page_where_the_page_view_is(client, edition):
    listed = page_list(client.get(page_path(3)).content.decode())
    assert [link for link, _, _ in listed] == [page_path(n) for n in range(1, 5)]


def test_each_language_gets_its_own_labels(client, edition):
    chinese = page_list(client.get(page_path(1), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    english = page_list(client.get(page_path(1), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert chinese[0][1].startswith("第01版")
    assert english[0][1].startswith("Page 01")
    again = page_list(client.get(page_path(2), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert again[0][1].startswith("第01版")


def test_a_withdrawn_edition_is_gone_though_its_pages_are_kept(client, edition):
    assert client.get(page_path(1)).status_code == 200
    edition.is_published = False
    edition.save()
    assert client.get(page_path(1)).status_code == 404
    assert client.get(article_path(1, 1)).status_code == 404


def test_publishing_the_next_edition_reaches_the_kept_one(client, edition):
    """The neighbours' answers are in the fingerprint: 下一期 turns into a link."""
    next_link = ".edition-steps a[href$='/next/']"
    soup = BeautifulSoup(client.get(page_path(1)).content.decode(), "html.parser")
    assert soup.select_one(next_link) is None
    later = build_edition(date=edition.date.replace(day=3), published=False)
    Edition.objects.filter(pk=later.pk).update(is_published=True)  # the timestamp stays
    soup = BeautifulSoup(client.get(page_path(1)).content.decode(), "html.parser")
    assert soup.select_one(next_link) is not None


def test_the_store_is_bounded(client, settings):
    settings.READER_EDITION_MEMO_SIZE = 2
    days = [
        build_edition(date=datetime.date(2024, 8, d), pages=1, articles_per_page=1)
        for d in (1, 2, 3)
    ]
    for edition in days:
        assert client.get(page_path(1, edition.date)).status_code == 200
    assert len(navigation.store) == 2


def test_a_size_of_zero_keeps_nothing(client, edition, settings, django_assert_num_queries):
    settings.READER_EDITION_MEMO_SIZE = 0
    client.get(page_path(1))
    with django_assert_num_queries(3):
        client.get(page_path(2))
    assert len(navigation.store) == 0


def test_staff_previews_are_never_kept(staff_client, django_assert_num_queries):
    build_edition(published=False)
    assert staff_client.get(page_path(1)).status_code == 200
    assert len(navigation.store) == 0


def headline_lines(html: str, selector: str = "main .headlines a") -> list[tuple[str, str, bool]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        (a["href"], " ".join(a.get_text().split()), a.get("aria-current") == "page")
        for a in soup.select(selector)
    ]


def test_a_corrected_headline_shows_everywhere_at_once(client, edition):
    paths = [page_path(2), article_path(2, 1), article_path(2, 3), headlines_path()]
    for path in paths:
        assert "第2版第2篇" in client.get(path).content.decode()
    story = edition.pages.get(number=2).articles.get(position=2)
    story.title = "更正后的标题"
    story.kicker = "引题"
    story.save()
    for path in paths:
        html = client.get(path).content.decode()
        assert "更正后的标题" in html, path
        assert "第2版第2篇" not in html, path
        assert '<span class="kicker">引题</span>' in html, path


def test_the_article_in_view_alone_is_marked_in_its_pages_headlines(client, edition):
    sidebar = ".sidebar .headlines a"
    for position in (2, 1, 3, 2):
        lines = headline_lines(client.get(article_path(2, position)).content.decode(), sidebar)
        assert [current for _, _, current in lines] == [p == position for p in (1, 2, 3)]
        assert [link for link, _, _ in lines] == [article_path(2, p) for p in (1, 2, 3)]
    lines = headline_lines(client.get(page_path(2)).content.decode())
    assert not any(current for _, _, current in lines)


def test_a_story_continued_onto_a_page_is_listed_there_in_each_language(client, jumping_edition):
    for language, words in (("zh-hans", "上接第2版"), ("en", "Continued from page 2")):
        for path in (page_path(4), article_path(4, 1)):
            html = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            lines = headline_lines(html, ".headlines a")
            resumed = [line for line in lines if words in line[1]]
            assert resumed, (language, path)
            assert resumed[0][0] == article_path(2, 1) + "#page-4"


# --- parts of the page kept with the navigation (views/navigation.py FRAGMENTS) ---------


def test_the_edition_bar_follows_the_current_page(client, edition):
    for number in (1, 3, 2, 4, 1):
        for path in (page_path(number), article_path(number, 2)):
            soup = BeautifulSoup(client.get(path).content.decode(), "html.parser")
            assert f"第0{number}版" in soup.select_one(".current-page strong").get_text()
            previous = soup.select_one("a[data-step='previous-page']")
            following = soup.select_one("a[data-step='next-page']")
            assert (previous["href"] if previous else None) == (
                page_path(number - 1) if number > 1 else None
            )
            assert (following["href"] if following else None) == (
                page_path(number + 1) if number < 4 else None
            )
    soup = BeautifulSoup(client.get(headlines_path()).content.decode(), "html.parser")
    assert soup.select_one(".edition-steps a[aria-current='page']")["href"] == headlines_path()
    assert soup.select_one(".current-page") is None
    soup = BeautifulSoup(client.get(page_path(1)).content.decode(), "html.parser")
    assert soup.select_one(".edition-steps a[aria-current='page']") is None


def test_each_page_names_the_feeds_of_its_own_section(client, jumping_edition):
    def section_feeds(path):
        """The section's feeds: titled "paper · section (RSS)" and "(Atom)"."""
        soup = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        return [
            (link["title"], link["href"])
            for link in soup.select("link[rel=alternate]")
            if " · " in link.get("title", "")
        ]

    theory = section_feeds(page_path(3))
    assert len(theory) == 2
    assert all("理论特刊" in title and "li-lun-te-kan" in href for title, href in theory)
    assert section_feeds(article_path(3, 1)) == theory
    others = section_feeds(page_path(1))
    assert len(others) == 2
    assert not any("理论特刊" in title for title, _ in others)


def test_a_renamed_paper_or_edition_shows_in_the_masthead_at_once(client, edition):
    assert "号外" not in client.get(page_path(1)).content.decode()
    edition.name = "号外"
    edition.save()
    soup = BeautifulSoup(client.get(page_path(2)).content.decode(), "html.parser")
    assert soup.select_one(".masthead .edition-name").get_text() == "号外"
    paper = edition.paper
    paper.name = "临江新报"
    paper.save()
    soup = BeautifulSoup(client.get(article_path(2, 1)).content.decode(), "html.parser")
    assert soup.select_one(".masthead-name").get_text(strip=True) == "临江新报"


def test_the_kept_parts_follow_the_language(client, edition):
    english = client.get(page_path(1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(page_path(1), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Previous edition" in english
    assert "上一期" not in english
    assert "上一期" in chinese
    assert "Previous edition" not in chinese
    english = client.get(article_path(1, 1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Copy link" in english
    assert "Larger" in english


def test_a_pages_articles_are_loaded_once_for_it_and_its_articles(
    client, edition, django_assert_num_queries
):
    client.get(page_path(2))
    with django_assert_num_queries(2):  # the edition, the article: page 2's list is kept
        client.get(article_path(2, 3))
    with django_assert_num_queries(1):  # the page itself: nothing but the edition
        client.get(page_path(2))


def test_previous_and_next_article_cross_pages_from_kept_lists(client, edition):
    def steps(path):
        soup = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        found = {}
        for rel in ("prev", "next"):
            link = soup.select_one(f".article-steps a[rel={rel}]")
            found[rel] = link["href"] if link else None
        return found

    client.get(page_path(2))
    client.get(page_path(3))
    assert steps(article_path(2, 1)) == {"prev": article_path(1, 3), "next": article_path(2, 2)}
    assert steps(article_path(2, 3)) == {"prev": article_path(2, 2), "next": article_path(3, 1)}
    assert steps(article_path(1, 1))["prev"] is None
    assert steps(article_path(4, 3))["next"] is None
    edition.pages.get(number=3).articles.get(position=1).delete()
    assert steps(article_path(2, 3))["next"] == article_path(3, 2)
