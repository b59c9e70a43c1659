"""Sitemaps and robots.txt: valid against the sitemaps.org and Google News schemas
(tests/data/*.xsd), split per paper and year, only published content, and a fixed number
of queries however deep the archive."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from editions import sitemaps
from editions.models import Article, Edition, Page
from tests.api_data import SECRET, hidden_content
from tests.factories import build_edition, default_paper

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / name)))


def fetch(client, path: str, xsd: str) -> etree._Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    validator = schema(xsd)
    assert validator.validate(document), validator.error_log
    return document


def section_path(name: str) -> str:
    return reverse("machine:sitemap-section", kwargs={"section": name})


def locations(document) -> list[str]:
    return document.xpath("//s:loc/text()", namespaces=NS)


@pytest.fixture
def archive(db):
    """Two published editions in 2023 and one in 2024, beside hidden ones."""
    hidden_content()
    return [
        build_edition(date=datetime.date(2023, 12, 30), pages=2, articles_per_page=2),
        build_edition(date=datetime.date(2023, 12, 31), pages=2, articles_per_page=2),
        build_edition(date=datetime.date(2024, 8, 2), pages=3, articles_per_page=2),
    ]


def test_the_index_lists_a_sitemap_per_paper_and_year_and_the_news(client, archive):
    document = fetch(client, reverse("machine:sitemap-index"), "siteindex.xsd")
    assert locations(document) == [
        "http://testserver" + section_path("ljrb-2023"),
        "http://testserver" + section_path("ljrb-2024"),
        "http://testserver" + section_path("news"),
    ]


def test_the_index_dates_each_year_by_its_last_change(client, archive):
    changed = timezone.now() + datetime.timedelta(days=1)
    Edition.objects.filter(pk=archive[0].pk).update(updated_at=changed)
    document = fetch(client, reverse("machine:sitemap-index"), "siteindex.xsd")
    first, second = document.xpath("//s:sitemap/s:lastmod/text()", namespaces=NS)[:2]
    assert datetime.datetime.fromisoformat(first) == changed
    archive[2].refresh_from_db()
    assert datetime.datetime.fromisoformat(second) == archive[2].updated_at


def test_a_year_lists_its_pages_and_articles_only(client, archive):
    document = fetch(client, section_path("ljrb-2023"), "sitemap.xsd")
    found = locations(document)
    expected = [
        "http://testserver" + page.get_absolute_url()
        for edition in archive[:2]
        for page in edition.pages.order_by("number")
    ] + [
        "http://testserver" + article.get_absolute_url()
        for edition in archive[:2]
        for article in Article.objects.filter(page__edition=edition).order_by(
            "page__number", "position"
        )
    ]
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found)) == 2 * (2 + 4)


def test_lastmod_is_the_editions_last_change(client, archive):
    document = fetch(client, section_path("ljrb-2024"), "sitemap.xsd")
    stamps = {
        datetime.datetime.fromisoformat(t)
        for t in document.xpath("//s:lastmod/text()", namespaces=NS)
    }
    archive[2].refresh_from_db()
    assert stamps == {archive[2].updated_at}


@pytest.mark.parametrize("name", ["ljrb-2022", "neibu-2024", "ljrb-24", "news-2024", "x"])
def test_a_year_without_published_editions_is_not_found(client, archive, name):
    assert client.get(section_path(name)).status_code == 404


def test_nothing_hidden_is_in_any_sitemap(client, archive):
    for name in ("ljrb-2023", "ljrb-2024", "news"):
        body = client.get(section_path(name)).content.decode()
        assert "2024-08-03" not in body
        assert "neibu" not in body
        assert SECRET not in body


def test_a_year_over_the_limit_is_split_and_every_part_listed(client, archive, monkeypatch):
    monkeypatch.setattr(sitemaps.PaperYearSitemap, "limit", 5)
    index = fetch(client, reverse("machine:sitemap-index"), "siteindex.xsd")
    base = "http://testserver" + section_path("ljrb-2023")
    parts = [loc for loc in locations(index) if loc.startswith(base)]
    assert parts == [base, base + "?p=2", base + "?p=3"]  # 12 URLs, 5 a part
    seen = []
    for part in parts:
        document = fetch(client, part.removeprefix("http://testserver"), "sitemap.xsd")
        assert len(locations(document)) <= 5
        seen += locations(document)
    assert len(seen) == len(set(seen)) == 12
    assert client.get(section_path("ljrb-2023") + "?p=4").status_code == 404


def test_the_news_sitemap_has_the_last_two_days_articles(client, db):
    today = timezone.localdate()
    build_edition(date=today, pages=1, articles_per_page=2)
    build_edition(date=today - datetime.timedelta(days=1), pages=1, articles_per_page=1)
    build_edition(date=today - datetime.timedelta(days=2), pages=1, articles_per_page=5)
    document = fetch(client, section_path("news"), "sitemap.xsd")
    assert len(document.xpath("//s:url", namespaces=NS)) == 3
    assert document.xpath("//n:news/n:publication/n:name/text()", namespaces=NS)[0] == "临江日报"
    assert set(document.xpath("//n:language/text()", namespaces=NS)) == {"zh-cn"}
    dates = document.xpath("//n:publication_date/text()", namespaces=NS)
    assert dates[0] == today.isoformat()
    titles = document.xpath("//n:title/text()", namespaces=NS)
    assert titles[:2] == ["第1版第1篇", "第1版第2篇"]


def test_news_language_codes():
    assert sitemaps.news_language("zh-Hans") == "zh-cn"
    assert sitemaps.news_language("zh-Hant") == "zh-tw"
    assert sitemaps.news_language("en-GB") == "en"


def test_robots_txt_names_the_index(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


# --- queries ----------------------------------------------------------------------


def test_query_counts_are_pinned(client, archive, django_assert_num_queries):
    with django_assert_num_queries(2):  # every paper-year counted at once; the news' last change
        client.get(reverse("machine:sitemap-index"))
    # the paper, the year's last change, its pages and articles counted, then read
    with django_assert_num_queries(6):
        client.get(section_path("ljrb-2023"))
    with django_assert_num_queries(1):
        client.get(section_path("news"))


@pytest.fixture
def deep_archive(db):
    """10,000 daily editions (27 years), each with a page and an article, made in bulk."""
    paper = default_paper()
    start = datetime.date(1998, 1, 1)
    editions = Edition.objects.bulk_create(
        Edition(paper=paper, date=start + datetime.timedelta(days=n)) for n in range(10_000)
    )
    pages = Page.objects.bulk_create(
        Page(edition=edition, number=1, label="01", name="要闻") for edition in editions
    )
    Article.objects.bulk_create(
        Article(page=page, position=1, title=f"第{page.edition.date}号") for page in pages
    )
    return editions


def test_an_archive_of_decades_costs_the_same_few_queries(
    client, deep_archive, django_assert_num_queries
):
    with django_assert_num_queries(2):
        index = fetch(client, reverse("machine:sitemap-index"), "siteindex.xsd")
    assert len(locations(index)) == 28 + 1  # 1998..2025, and the news
    with django_assert_num_queries(6):
        year = fetch(client, section_path("ljrb-2000"), "sitemap.xsd")
    assert len(locations(year)) == 2 * 366  # a leap year: a page and an article a day
