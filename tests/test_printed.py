"""The printed page: derivatives made by render_pages, the edition's PDF, the page view's image.

Images and PDFs are made here (Pillow, pypdf), never checked in: a page drawn with
coloured blocks where its articles are, a PDF with as many pages as asked.
"""

import hashlib
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image
from pypdf import PdfReader, PdfWriter

from editions.models import Page, Region
from editions.printed import render_pages_for
from editions.printed.display import region_points
from tests.factories import build_edition
from tests.paths import page_path

pytestmark = pytest.mark.django_db

WIDTH, HEIGHT = 1200, 1800


def page_image(colour=(240, 236, 226), size=(WIDTH, HEIGHT)) -> bytes:
    image = Image.new("RGB", size, colour)
    for index, top in enumerate(range(100, size[1] - 300, 500)):
        block = Image.new("RGB", (size[0] - 200, 380), (200 - 40 * index, 180, 160))
        image.paste(block, (100, top))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def page_pdf(pages=1, width=600, height=900) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attach_image(page: Page, data: bytes | None = None) -> None:
    data = data or page_image()
    page.image.save(
        f"{page.number:02d}-{hashlib.sha256(data).hexdigest()[:8]}.jpg", ContentFile(data)
    )
    with Image.open(io.BytesIO(data)) as image:
        page.image_width, page.image_height = image.size
    page.image_sha256 = hashlib.sha256(data).hexdigest()
    page.save()


def attach_pdf(page: Page, data: bytes | None = None) -> None:
    data = data or page_pdf()
    page.pdf.save(
        f"{page.number:02d}-{hashlib.sha256(data).hexdigest()[:8]}.pdf", ContentFile(data)
    )
    page.pdf_sha256 = hashlib.sha256(data).hexdigest()
    page.save()


def add_regions(page: Page) -> list[Region]:
    """One rectangle per article of the page, stacked as page_image() draws them."""
    regions = []
    for order, article in enumerate(page.articles.order_by("position"), start=1):
        top = 100 + 500 * (order - 1)
        regions.append(
            Region.objects.create(
                page=page,
                article=article,
                shape=Region.Shape.RECT,
                points=[100, top, WIDTH - 100, top + 380],
                order=order,
            )
        )
    return regions


@pytest.fixture
def printed_edition(db):
    """2024-08-02, 3 pages × 3 articles, every page with an image, a PDF and regions."""
    edition = build_edition(pages=3, articles_per_page=3)
    for page in edition.pages.order_by("number"):
        attach_image(page)
        attach_pdf(page)
        add_regions(page)
    return edition


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


# --- derivatives ---------------------------------------------------------------------


def test_render_makes_display_sizes_in_each_format_and_a_thumbnail(printed_edition):
    pages = list(printed_edition.pages.all())
    assert render_pages_for(pages) == 3
    page = Page.objects.get(edition=printed_edition, number=1)
    printed = page.printed
    assert (printed["width"], printed["height"]) == (WIDTH, HEIGHT)
    assert set(printed["sizes"]) == {"avif", "webp"}
    assert [width for width, _ in printed["sizes"]["webp"]] == [480, 960, 1200]
    for fmt, sizes in printed["sizes"].items():
        for width, name in sizes:
            with default_storage.open(name) as handle, Image.open(handle) as image:
                assert image.format == fmt.upper()
                assert image.width == width
    with default_storage.open(printed["thumb"]) as handle, Image.open(handle) as image:
        assert image.width == 200


def test_rendering_again_makes_nothing_and_a_new_image_makes_new_names(printed_edition):
    pages = list(printed_edition.pages.all())
    render_pages_for(pages)
    assert render_pages_for(list(printed_edition.pages.all())) == 0
    page = Page.objects.get(edition=printed_edition, number=2)
    old = page.printed["thumb"]
    attach_image(page, page_image(colour=(10, 10, 10)))
    assert render_pages_for([page]) == 1
    page.refresh_from_db()
    assert page.printed["thumb"] != old
    assert default_storage.exists(page.printed["thumb"])


def test_render_touches_the_edition_so_cached_pages_are_made_again(printed_edition):
    before = printed_edition.updated_at
    render_pages_for(list(printed_edition.pages.all()))
    printed_edition.refresh_from_db()
    assert printed_edition.updated_at > before


def test_a_page_with_only_a_pdf_gets_its_image_rendered_from_it(client, db):
    edition = build_edition(pages=1, articles_per_page=1)
    page = edition.pages.get()
    attach_pdf(page, page_pdf(width=500, height=750))
    render_pages_for([page])
    page.refresh_from_db()
    assert page.printed["width"] == 2000
    assert page.printed["height"] == 3000
    with default_storage.open(page.printed["full"]) as handle, Image.open(handle) as image:
        assert image.size == (2000, 3000)
    soup = soup_of(client.get(page_path(1)))
    assert soup.select_one("img.printed-image")["src"].endswith(page.printed["full"])


def test_the_edition_pdf_holds_every_page_and_is_remade_when_one_changes(printed_edition):
    pages = list(printed_edition.pages.order_by("number"))
    attach_pdf(pages[1], page_pdf(pages=2))  # page 2 is a spread of two
    render_pages_for(pages)
    name = Page.objects.get(pk=pages[0].pk).printed["edition_pdf"]
    with default_storage.open(name) as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) == 4
    assert {p.printed["edition_pdf"] for p in Page.objects.filter(edition=printed_edition)} == {
        name
    }
    attach_pdf(pages[2], page_pdf(pages=3))
    render_pages_for([pages[2]])
    renewed = Page.objects.get(pk=pages[0].pk).printed["edition_pdf"]
    assert renewed != name
    with default_storage.open(renewed) as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) == 6


def test_no_edition_pdf_when_a_page_has_none(printed_edition):
    pages = list(printed_edition.pages.order_by("number"))
    pages[2].pdf = ""
    pages[2].save()
    render_pages_for(pages)
    assert all("edition_pdf" not in p.printed for p in Page.objects.filter(edition=printed_edition))


def test_the_command_renders_and_reports(printed_edition, capsys):
    call_command("render_pages", "--paper", printed_edition.paper.code, verbosity=1)
    assert "3 pages looked at, 3 made." in capsys.readouterr().out
    call_command("render_pages", verbosity=1)
    assert "3 pages looked at, 0 made." in capsys.readouterr().out


def test_the_command_explains_a_bad_date(db):
    with pytest.raises(CommandError, match="2024-08-02"):
        call_command("render_pages", "--date", "02/08/2024")


# --- regions -----------------------------------------------------------------------------


def test_region_points_scale_from_the_coordinates_they_were_drawn_in(printed_edition):
    page = printed_edition.pages.get(number=1)
    region = Region(page=page, shape="rect", points=[50, 50, 300, 150], width=600, height=900)
    assert region_points(region, 1200, 1800) == [(100, 100), (600, 100), (600, 300), (100, 300)]
    triangle = Region(page=page, shape="polygon", points=[0, 0, 1200, 0, 600, 2000])
    assert region_points(triangle, 1200, 1800)[2] == (600, 1800)  # kept inside the page
    assert region_points(Region(page=page, shape="polygon", points=[1, 2, 3]), 10, 10) == []


# --- the page view -------------------------------------------------------------------------


def test_the_page_view_shows_the_image_with_sizes_and_its_hotspots(client, printed_edition):
    render_pages_for(list(printed_edition.pages.all()))
    soup = soup_of(client.get(page_path(2)))
    sources = soup.select("picture source")
    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    assert " 480w" in sources[1]["srcset"]
    image = soup.select_one("img.printed-image")
    assert (image["width"], image["height"]) == (str(WIDTH), str(HEIGHT))
    links = soup.select("svg.hotspots a")
    assert [a["aria-label"] for a in links] == ["第2版第1篇", "第2版第2篇", "第2版第3篇"]
    assert (
        links[0]["href"]
        == printed_edition.pages.get(number=2).articles.get(position=1).get_absolute_url()
    )
    assert links[0].polygon["points"] == "100.0,100.0 1100.0,100.0 1100.0,480.0 100.0,480.0"
    assert links[0].title.get_text() == "第2版第1篇"


def test_the_page_view_offers_the_page_and_edition_pdfs(client, printed_edition):
    render_pages_for(list(printed_edition.pages.all()))
    soup = soup_of(client.get(page_path(1)))
    page = Page.objects.get(edition=printed_edition, number=1)
    assert soup.select_one("[data-download=page]")["href"] == page.pdf.url
    assert soup.select_one("[data-download=edition]")["href"] == default_storage.url(
        page.printed["edition_pdf"]
    )


def test_a_page_with_an_image_but_no_pdf_has_no_pdf_buttons(client, db):
    edition = build_edition(pages=1, articles_per_page=1)
    attach_image(edition.pages.get())
    soup = soup_of(client.get(page_path(1)))
    assert soup.select_one("img.printed-image") is not None  # the original, before rendering
    assert soup.select("[data-download]") == []


def test_the_page_strip_shows_every_pages_thumbnail_out_of_the_tab_order(client, printed_edition):
    render_pages_for(list(printed_edition.pages.all()))
    soup = soup_of(client.get(page_path(1)))
    strip = soup.select_one(".page-strip")
    assert strip["aria-hidden"] == "true"
    links = strip.select("a")
    assert len(links) == 3
    assert all(a["tabindex"] == "-1" and a.img["src"] for a in links)
    assert soup.select(".page-list a")  # the text list stays


def test_a_text_only_page_keeps_the_headline_view(client, edition):
    soup = soup_of(client.get(page_path(1)))
    assert soup.select_one(".printed") is None
    assert soup.select_one(".page-strip") is None
    assert len(soup.select("main .headlines li")) == 3


def test_media_is_served_for_a_year_and_only_from_the_storage(client, printed_edition, settings):
    settings.ROOT_URLCONF = "tests.test_browser_printed"
    render_pages_for(list(printed_edition.pages.all()))
    name = Page.objects.get(edition=printed_edition, number=1).printed["sizes"]["webp"][0][1]
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert client.get("/media/../manage.py").status_code == 404
    assert client.get("/media/printed/nothing.webp").status_code == 404
