"""An editor draws a page's regions in the browser, and readers click them on the page view.

Screenshots of the region editor (tests/artifacts/regions-*.png) are there to be looked at.
"""

import pytest
from playwright.sync_api import expect

from editions.models import Page, Region
from editions.printed import render_pages_for
from tests.factories import build_edition
from tests.test_browser_admin import log_in
from tests.test_printed import attach_image

pytestmark = pytest.mark.browser


@pytest.fixture
def bare_page(transactional_db, editor):
    """A page with its image and three articles, and no regions yet."""
    edition = build_edition(pages=2, articles_per_page=3)
    page = edition.pages.get(number=1)
    attach_image(page)
    render_pages_for([page])
    return Page.objects.get(pk=page.pk)


def drag(page, canvas, start, end):
    """Press at ``start`` and let go at ``end``, both fractions of the canvas."""
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=8)
    page.mouse.up()


def test_an_editor_draws_links_moves_and_deletes_regions(
    live_server, desktop, screenshot, bare_page, editor, password
):
    page = desktop
    article = bare_page.articles.get(position=2)
    log_in(page, live_server, editor.username, password)
    page.goto(f"{live_server.url}/admin/editions/page/{bare_page.pk}/change/")
    editor_box = page.locator("[data-region-editor]")
    canvas = editor_box.locator("svg[data-canvas]")
    canvas.scroll_into_view_if_needed()

    # Draw two rectangles; link the first to the article.
    editor_box.locator('[data-mode="rect"]').click()
    drag(page, canvas, (0.1, 0.1), (0.5, 0.3))
    editor_box.locator("select[data-article]").select_option(str(article.pk))
    editor_box.locator('[data-mode="rect"]').click()
    drag(page, canvas, (0.55, 0.6), (0.9, 0.8))
    expect(canvas.locator("polygon.region")).to_have_count(2)
    screenshot(page, "regions-editor-drawn")

    # Delete the second (selected, as just drawn), then move the first by dragging it.
    editor_box.locator('[data-action="delete"]').click()
    expect(canvas.locator("polygon.region")).to_have_count(1)
    drag(page, canvas, (0.3, 0.2), (0.4, 0.3))
    # A polygon too: three corners, closed with Enter, then removed with the Delete key.
    editor_box.locator('[data-mode="polygon"]').click()
    for x, y in ((0.6, 0.1), (0.9, 0.1), (0.75, 0.3)):
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.keyboard.press("Enter")
    expect(canvas.locator("polygon.region")).to_have_count(2)
    screenshot(page, "regions-editor-polygon")
    page.keyboard.press("Delete")
    expect(canvas.locator("polygon.region")).to_have_count(1)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()

    region = Region.objects.get(page=bare_page)
    assert region.article_id == article.pk
    left, top, right, bottom = region.fractions
    assert left == pytest.approx(0.2, abs=0.01)
    assert top == pytest.approx(0.2, abs=0.01)
    assert right == pytest.approx(0.6, abs=0.01)
    assert bottom == pytest.approx(0.4, abs=0.01)

    # The reader's page view: the drawn region is a hotspot that leads to the article.
    page.goto(live_server.url + bare_page.get_absolute_url())
    hotspot = page.locator("svg.hotspots a")
    expect(hotspot).to_have_count(1)
    screenshot(page, "regions-reader-page")
    hotspot.click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    expect(page.locator(".article-position polygon")).to_have_count(1)
    screenshot(page, "regions-reader-article")

    # The history says what happened to the regions.
    page.goto(f"{live_server.url}/admin/editions/page/{bare_page.pk}/history/")
    screenshot(page, "regions-page-history")
