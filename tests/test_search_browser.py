"""The search page in a real browser, on a phone and a desktop: it searches, filters
by a facet, pages on, passes axe-core, and is photographed (tests/artifacts/)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import default_paper
from tests.paths import search_path

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, demo_dir, transactional_db):
    default_paper()
    call_command("create_paper", "ljwb", "临江晚报", position=2, verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return live_server.url


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_search_facets_and_paging_in_the_browser(site, request, screenshot, device):
    from axe_playwright_python.sync_playwright import Axe

    page = request.getfixturevalue(device)
    page.goto(site + search_path())
    page.fill("#search-q", "临江")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    hits = page.locator(".search-hits li")
    assert hits.count() == 20
    assert page.locator(".search-hits mark").first.inner_text() == "临江"
    assert page.locator('main [role="search"][aria-label]').count() == 1
    screenshot(page, f"search-{device}")
    # No part of the page is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # A section facet narrows the results; the next page continues them.
    page.locator("#facet-sections + ul a").first.click()
    page.wait_for_url("**section=*")
    assert 0 < page.locator(".search-hits li").count() <= 20
    page.goto(site + search_path() + "?q=临江")
    page.click('.pager a[rel="next"]')
    page.wait_for_url("**after=*")
    assert page.locator(".search-hits li").count() >= 1
    screenshot(page, f"search-{device}-page-2")
