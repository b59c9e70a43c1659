"""The demo opens on printed pages: 《临江日报》 of 2024-08-02 comes as article files
plus, per page, a page image and a PDF with a text layer (fixtures/make_demo_pages.py)
and no image map, so every hotspot on those pages is found by region detection."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from editions.models import Article, Edition, Region
from editions.printed.regions import Origin
from tests.paths import article_path, page_path

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 8, 2)


@pytest.fixture
def demo(demo_dir):
    call_command("create_paper", "ljwb", "临江晚报", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return Edition.objects.get(paper__code="ljrb", date=DAY)


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_every_page_of_the_newest_edition_is_printed_with_every_article_found(demo):
    pages = list(demo.pages.order_by("number"))
    assert len(pages) == 8
    for page in pages:
        assert page.image, page
        assert page.pdf, page
        assert (page.image_width, page.image_height) == (900, 1290)
        assert page.printed["regions"]["from"] == Origin.DETECTED, page
        printed_here = set(Article.objects.filter(page=page).values_list("pk", flat=True)) | set(
            page.continued_articles.values_list("pk", flat=True)
        )
        found = set(Region.objects.filter(page=page).values_list("article_id", flat=True))
        assert found == printed_here, page
    # The story that jumps from page 1 has its region on page 2 as well.
    jump = Article.objects.get(page__edition=demo, title="共建澄江走廊 共享发展机遇")
    assert Region.objects.filter(article=jump, page__number=2).exists()


def test_the_front_door_shows_the_front_page_and_its_hotspots_open_the_articles(client, demo):
    card = soup_of(client.get("/")).select(".title-card")[0]
    front = card.select_one("a.title-front")
    assert front["href"] == page_path(1, paper="ljrb", day="2024-08-02")
    assert (front.img["width"], front.img["height"]) == ("900", "1290")

    page = soup_of(client.get(front["href"]))
    hotspots = {
        a.get("aria-label") or a.get_text(strip=True): a["href"]
        for a in page.select("svg.hotspots a")
    }
    lead = Article.objects.get(page__edition=demo, page__number=1, position=1)
    assert hotspots[lead.title] == article_path(1, 1, paper="ljrb", day="2024-08-02")
    assert len(hotspots) == 4
