"""The printed page in a real browser: hotspots, zoom, PDF downloads, screenshots.

The edition is made here (page images and PDFs drawn by tests/test_printed.py's
helpers), rendered by render_pages, and served with its media by this module's
URLs (the project serves media through a web server or S3 in production).
"""

import pytest
from django.urls import path
from pypdf import PdfReader

from editions.printed import render_pages_for, serving
from newsroom.urls import urlpatterns as project_urls
from tests.conftest import WIDTHS
from tests.factories import build_edition, default_paper
from tests.paths import article_path, page_path
from tests.test_printed import add_regions, attach_image, attach_pdf, page_pdf

pytestmark = pytest.mark.browser

# The live server serves MEDIA_URL itself; these URLs are for the tests' own requests.
urlpatterns = [path("media/<path:name>", serving.media), *project_urls]


@pytest.fixture
def printed_site(live_server, transactional_db, settings):
    settings.ROOT_URLCONF = __name__
    default_paper()
    edition = build_edition(pages=3, articles_per_page=3)
    for page in edition.pages.order_by("number"):
        attach_image(page)
        attach_pdf(page, page_pdf(pages=2 if page.number == 2 else 1))
        add_regions(page)
    render_pages_for(list(edition.pages.all()))
    return live_server.url


def scale_of(page) -> float:
    return page.evaluate(
        "new DOMMatrix(getComputedStyle(document.querySelector('[data-zoom-stage]')).transform).a"
    )


def test_clicking_a_hotspot_opens_its_article(printed_site, desktop):
    desktop.goto(printed_site + page_path(2))
    desktop.locator("svg.hotspots a").nth(1).click()
    desktop.wait_for_url("**" + article_path(2, 2))
    assert desktop.locator("h1").inner_text() == "第2版第2篇"


def test_a_hotspot_is_reached_with_tab_and_named_by_its_title(printed_site, desktop):
    desktop.goto(printed_site + page_path(1))
    for _ in range(40):
        desktop.keyboard.press("Tab")
        if desktop.evaluate("document.activeElement.closest('svg.hotspots') !== null"):
            break
    else:
        pytest.fail("no hotspot in the tab order")
    assert desktop.evaluate("document.activeElement.getAttribute('aria-label')") == "第1版第1篇"
    desktop.wait_for_timeout(300)  # the highlight fades in
    stroke = desktop.evaluate(
        "getComputedStyle(document.activeElement.querySelector('polygon')).stroke"
    )
    assert stroke != "none"
    assert stroke != "rgba(0, 0, 0, 0)"  # highlighted while focused
    desktop.keyboard.press("Enter")
    desktop.wait_for_url("**" + article_path(1, 1))


def test_the_buttons_zoom_and_the_whole_page_button_resets(printed_site, desktop):
    desktop.goto(printed_site + page_path(1))
    assert scale_of(desktop) == 1
    desktop.click("[data-zoom=in]")
    desktop.click("[data-zoom=in]")
    assert scale_of(desktop) == pytest.approx(2.25)
    assert desktop.text_content("[data-zoom-status]") == "225%"
    desktop.click("[data-zoom=reset]")
    assert scale_of(desktop) == 1


def test_the_keyboard_zooms_the_focused_page(printed_site, desktop):
    desktop.goto(printed_site + page_path(1))
    desktop.focus("[data-zoom-viewport]")
    desktop.keyboard.press("+")
    assert scale_of(desktop) == pytest.approx(1.5)
    desktop.keyboard.press("0")
    assert scale_of(desktop) == 1


def test_pinching_zooms_on_a_touch_screen(printed_site, sized):
    phone = sized("phone")
    phone.goto(printed_site + page_path(1))
    box = phone.locator("[data-zoom-viewport]").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + min(box["height"], 600) / 2
    cdp = phone.context.new_cdp_session(phone)

    def touch(kind, spread):
        points = [{"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 30)
    for spread in range(40, 121, 10):
        touch("touchMove", spread)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert scale_of(phone) > 2.5


def test_the_page_and_edition_pdfs_download_whole(printed_site, desktop):
    desktop.goto(printed_site + page_path(2))
    with desktop.expect_download() as page_download:
        desktop.click("[data-download=page]")
    with desktop.expect_download() as edition_download:
        desktop.click("[data-download=edition]")
    assert len(PdfReader(page_download.value.path()).pages) == 2
    assert len(PdfReader(edition_download.value.path()).pages) == 4


def test_the_page_shows_a_derivative_not_the_original(printed_site, desktop):
    desktop.goto(printed_site + page_path(1))
    src = desktop.eval_on_selector("img.printed-image", "img => img.currentSrc")
    assert src.endswith((".avif", ".webp"))


@pytest.mark.parametrize("kind", WIDTHS)
def test_the_page_view_fits_each_width_passes_axe_and_is_photographed(
    printed_site, sized, screenshot, kind
):
    from axe_playwright_python.sync_playwright import Axe

    page = sized(kind)
    page.goto(printed_site + page_path(1))
    page.wait_for_load_state("networkidle")
    screenshot(page, f"printed-page-{kind}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[kind][0]
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []
