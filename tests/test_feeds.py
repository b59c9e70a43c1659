"""RSS 2.0 and Atom feeds, read by feedparser: a paper's editions, a section's articles,
only published content, pinned query counts, and the links to them in readers' pages."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.urls import reverse

from editions.models import Article
from tests.api_data import SECRET, hidden_content
from tests.factories import SectionFactory, build_edition
from tests.paths import article_path, page_path

pytestmark = pytest.mark.django_db

KINDS = ["rss", "atom"]


def paper_feed(kind: str, paper: str = "ljrb") -> str:
    return reverse(f"machine:paper-{kind}", kwargs={"paper": paper})


def section_feed(kind: str, section: str = "li-lun-te-kan", paper: str = "ljrb") -> str:
    return reverse(f"machine:section-{kind}", kwargs={"paper": paper, "section": section})


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def editions(db):
    """Three published editions (pages 3 in 理论特刊), and hidden ones printing SECRET."""
    hidden_content()
    section = SectionFactory(name="理论特刊", slug="li-lun-te-kan")
    made = []
    for day in (1, 2, 3):
        edition = build_edition(date=datetime.date(2024, 7, day), pages=3, articles_per_page=2)
        page = edition.pages.get(number=3)
        page.section = section
        page.save()
        made.append(edition)
    # The unpublished edition's page is in the section too: it must not show.
    hidden = Article.objects.filter(title__startswith=SECRET).first().page
    hidden.section = section
    hidden.save()
    return made


@pytest.mark.parametrize("kind", KINDS)
def test_a_papers_feed_has_its_editions_newest_first(client, editions, kind):
    feed = parse(client, paper_feed(kind))
    assert feed.feed.title == "临江日报"
    assert feed.feed.language == "zh-Hans"
    links = [entry.link for entry in feed.entries]
    assert links == [
        f"http://testserver{edition.get_absolute_url()}" for edition in reversed(editions)
    ]
    assert feed.entries[0].title == "临江日报 2024年7月3日 星期三"


@pytest.mark.parametrize("kind", KINDS)
def test_an_editions_entry_lists_its_front_page_headlines(client, editions, kind):
    entry = parse(client, paper_feed(kind)).entries[0]
    text = entry.summary
    assert "第1版第1篇" in text
    assert "第1版第2篇" in text
    assert "第2版" not in text  # the front page only
    url = "http://testserver" + article_path(1, 1, datetime.date(2024, 7, 3))
    assert url in text


@pytest.mark.parametrize("kind", KINDS)
def test_a_sections_feed_has_its_articles_newest_first(client, editions, kind):
    feed = parse(client, section_feed(kind))
    assert feed.feed.title == "临江日报 · 理论特刊"
    expected = [
        f"http://testserver{article_path(3, position, datetime.date(2024, 7, day))}"
        for day in (3, 2, 1)
        for position in (1, 2)
    ]
    assert [entry.link for entry in feed.entries] == expected
    assert feed.entries[0].tags[0].term == "理论特刊"


@pytest.mark.parametrize("kind", KINDS)
def test_feeds_show_nothing_hidden(client, editions, kind):
    for path in (paper_feed(kind), section_feed(kind)):
        body = client.get(path).content.decode()
        assert SECRET not in body
        assert "2024-08-03" not in body
    assert client.get(paper_feed(kind, paper="neibu")).status_code == 404


def test_an_unknown_section_or_paper_is_404(client, editions):
    assert client.get(section_feed("rss", section="no-such")).status_code == 404
    assert client.get(paper_feed("rss", paper="nopaper")).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_feed_query_counts_are_pinned(client, editions, kind, django_assert_num_queries):
    with django_assert_num_queries(3):  # the paper, its editions, their front pages' headlines
        client.get(paper_feed(kind))
    with django_assert_num_queries(2):  # the section with its paper, its articles
        client.get(section_feed(kind))


def test_query_counts_do_not_grow_with_the_archive(client, editions, django_assert_num_queries):
    for day in range(4, 30):
        build_edition(date=datetime.date(2024, 7, day), pages=2, articles_per_page=5)
    with django_assert_num_queries(3):
        client.get(paper_feed("atom"))


def test_readers_pages_link_to_the_feeds_and_the_manifest(client, editions):
    html = client.get(page_path(3, datetime.date(2024, 7, 2))).content.decode()
    assert f'type="application/rss+xml" title="临江日报 (RSS)" href="{paper_feed("rss")}"' in html
    assert f'href="{paper_feed("atom")}"' in html
    assert f'href="{section_feed("atom")}"' in html
    manifest = reverse("machine:iiif-manifest", kwargs={"paper": "ljrb", "edition": "2024-07-02"})
    assert (
        "type='application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\"'"
        in html
    )
    assert f'href="{manifest}"' in html


def test_a_page_outside_a_section_links_to_the_papers_feeds_only(client, editions):
    html = client.get(page_path(1, datetime.date(2024, 7, 2))).content.decode()
    assert paper_feed("rss") in html
    assert "/sections/li-lun-te-kan/" not in html


def test_a_preview_links_to_no_feed(staff_client, editions):
    html = staff_client.get(page_path(1, datetime.date(2024, 8, 3))).content.decode()
    assert "application/rss+xml" not in html
