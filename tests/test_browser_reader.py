"""The reader's side in a real browser (Debian's chromium through Playwright), on the demo editions.

Text size controls, keyboard page turning, menus on phones, an axe-core scan of
every kind of page, and screenshots at phone and desktop widths saved under
tests/artifacts/ for a person to look at.
"""

import pytest
from django.core.management import call_command

from tests.factories import default_paper
from tests.paths import (
    archive_path,
    article_path,
    edition_path,
    headlines_path,
    page_path,
    paper_path,
    search_path,
)

pytestmark = pytest.mark.browser

#: One address of each kind of page, on the demo editions of both demo papers.
VIEWS = {
    "front": "/",
    "paper": paper_path("ljwb"),
    "evening-article": article_path(1, 1, "2024-08-01", paper="ljwb"),  # continued on page 3
    "page": page_path(2, "2024-08-02"),
    "article": article_path(1, 1, "2024-08-02"),  # continued on page 2
    "headlines": headlines_path("2024-08-02"),
    "archive": archive_path(2024, 8),
    "search": search_path() + "?q=临江",
    "not-found": edition_path("2024-08-09"),
}


@pytest.fixture
def site(live_server, demo_dir, transactional_db):
    """The demo as ``make run`` serves it: 临江日报 and 临江晚报, two editions each."""
    default_paper()  # transactional tests empty the table its migration filled
    call_command("create_paper", "ljwb", "临江晚报", position=2, colour="#1f4e79", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return live_server.url


def body_text_size(page) -> float:
    return page.eval_on_selector(".article-body p", "p => parseFloat(getComputedStyle(p).fontSize)")


def click_size(page, action: str) -> None:
    # forced: at either end the button stays clickable (it says why) but is aria-disabled,
    # which Playwright would otherwise wait out
    page.click(f'[data-font="{action}"]', force=True)


# --- two papers ------------------------------------------------------------------------


def test_a_reader_walks_from_the_titles_into_each_paper_and_back(site, desktop):
    desktop.goto(site + "/")
    cards = desktop.locator(".title-card")
    assert cards.count() == 2
    assert cards.nth(0).locator("h2").inner_text() == "临江日报"
    assert cards.nth(1).locator("h2").inner_text() == "临江晚报"
    # The evening paper's first front-page headline opens its article.
    first = cards.nth(1).locator(".title-headlines a").first
    title = first.inner_text()
    first.click()
    desktop.wait_for_url("**/ljwb/2024-08-02/page/1/1/")
    assert desktop.locator("h1").inner_text().strip() == title
    assert desktop.locator(".masthead-name").inner_text() == "临江晚报"
    # Its pages turn within the evening paper.
    desktop.click(".page-list a >> nth=1")
    desktop.wait_for_url("**/ljwb/2024-08-02/page/2/")
    desktop.click(".edition-steps a >> nth=0")  # 上一期
    desktop.wait_for_url("**/ljwb/2024-08-01/")
    assert desktop.locator(".masthead-name").inner_text() == "临江晚报"
    # Back to all papers, then into the daily.
    desktop.click('.site-nav a[href="/"]')
    desktop.wait_for_url(site + "/")
    desktop.locator(".title-card").nth(0).get_by_role("link", name="阅读本期").click()
    desktop.wait_for_url("**/ljrb/2024-08-02/")
    assert desktop.locator(".masthead-name").inner_text() == "临江日报"


def test_the_daily_opens_on_its_printed_front_page_whose_hotspots_open_articles(site, desktop):
    desktop.goto(site + "/")
    desktop.click(".title-card >> nth=0 >> a.title-front")
    desktop.wait_for_url("**/ljrb/2024-08-02/page/1/")
    assert desktop.locator("figure.printed img").first.evaluate("img => img.naturalWidth") > 0
    assert desktop.locator(".page-strip img").count() == 8
    spot = desktop.locator("svg.hotspots a").nth(1)
    title = spot.get_attribute("aria-label")
    spot.click()
    desktop.wait_for_url("**/ljrb/2024-08-02/page/1/2/")
    assert desktop.locator("h1").inner_text().strip() == title


def test_the_search_box_searches_the_paper_in_view(site, desktop):
    desktop.goto(site + page_path(1, "2024-08-02", paper="ljwb"))
    desktop.fill("#site-search", "公交")
    desktop.press("#site-search", "Enter")
    desktop.wait_for_url("**/ljwb/search/?q=*")
    hits = desktop.locator(".search-hits li")
    assert hits.count() >= 1
    for href in hits.locator("a.headline-title").evaluate_all("els => els.map(e => e.href)"):
        assert "/ljwb/" in href


def test_an_old_link_lands_on_the_first_papers_page(site, desktop):
    desktop.goto(site + "/2024-08-02/page/2/")  # as shared before there were papers
    assert desktop.url == site + page_path(2, "2024-08-02")
    assert desktop.locator(".masthead-name").inner_text() == "临江日报"


# --- text size -----------------------------------------------------------------------


def test_larger_smaller_and_default_change_the_article_text(site, desktop):
    desktop.goto(site + VIEWS["article"])
    default = body_text_size(desktop)
    click_size(desktop, "up")
    larger = body_text_size(desktop)
    assert larger > default
    click_size(desktop, "down")
    click_size(desktop, "down")
    assert body_text_size(desktop) < default
    click_size(desktop, "reset")
    assert body_text_size(desktop) == default


def test_text_size_has_at_least_five_steps_between_bounds(site, desktop):
    desktop.goto(site + VIEWS["article"])
    sizes = {body_text_size(desktop)}
    for _ in range(10):
        click_size(desktop, "up")
        sizes.add(body_text_size(desktop))
    largest = body_text_size(desktop)
    assert desktop.get_attribute('[data-font="up"]', "aria-disabled") == "true"
    for _ in range(12):
        click_size(desktop, "down")
        sizes.add(body_text_size(desktop))
    assert len(sizes) >= 5
    assert max(sizes) == largest
    assert min(sizes) >= 12  # never unreadably small
    assert "已是最小字号" in desktop.text_content("[data-font-status]")


def test_the_size_is_announced_to_screen_readers(site, desktop):
    desktop.goto(site + VIEWS["article"])
    status = desktop.locator("[data-font-status]")
    assert status.get_attribute("aria-live") == "polite"
    click_size(desktop, "up")
    assert status.text_content() == "字号 113%"
    assert desktop.get_attribute('[data-font="up"]', "aria-describedby") == "font-status"


def test_the_size_persists_to_the_next_article_and_after_reload(site, desktop):
    desktop.goto(site + VIEWS["article"])
    click_size(desktop, "up")
    click_size(desktop, "up")
    chosen = body_text_size(desktop)
    desktop.click(".article-steps a[rel=next]")
    desktop.wait_for_url("**/2024-08-02/page/1/2/")
    assert body_text_size(desktop) == chosen
    desktop.reload()
    assert body_text_size(desktop) == chosen
    click_size(desktop, "reset")
    desktop.reload()
    assert body_text_size(desktop) < chosen


def test_the_controls_work_from_the_keyboard(site, desktop):
    desktop.goto(site + VIEWS["article"])
    default = body_text_size(desktop)
    desktop.focus('[data-font="up"]')
    desktop.keyboard.press("Enter")
    assert body_text_size(desktop) > default
    desktop.keyboard.press("Tab")  # on to 缩小
    desktop.keyboard.press("Space")
    desktop.keyboard.press("Space")
    assert body_text_size(desktop) < default
    assert desktop.evaluate("document.activeElement.dataset.font") == "down"


def test_changing_size_keeps_the_paragraph_being_read_in_place(site, desktop):
    desktop.goto(site + VIEWS["article"])
    paragraph = desktop.locator(".article-body p").nth(2)
    # Scroll the paragraph up to just below the tools bar, which stays at the top.
    paragraph.evaluate("p => window.scrollTo(0, p.getBoundingClientRect().top + scrollY - 300)")
    line = desktop.evaluate(
        "document.querySelector('.article-tools').getBoundingClientRect().bottom"
    )
    paragraph.evaluate(f"p => window.scrollBy(0, p.getBoundingClientRect().top - {line} - 4)")
    before = paragraph.evaluate("p => p.getBoundingClientRect().top")
    assert line < before < line + 10
    click_size(desktop, "up")
    click_size(desktop, "up")
    assert abs(paragraph.evaluate("p => p.getBoundingClientRect().top") - before) <= 2
    click_size(desktop, "reset")
    assert abs(paragraph.evaluate("p => p.getBoundingClientRect().top") - before) <= 2
    click_size(desktop, "down")
    assert abs(paragraph.evaluate("p => p.getBoundingClientRect().top") - before) <= 2


def test_changing_size_at_the_top_of_the_article_does_not_scroll(site, desktop):
    desktop.goto(site + VIEWS["article"])
    click_size(desktop, "up")
    assert desktop.evaluate("scrollY") == 0


def test_without_javascript_there_is_no_dead_control(site, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(site + VIEWS["article"])
        assert not page.is_visible("[data-font-controls]")
        assert not page.is_visible("[data-key-hint]")
        assert page.is_visible(".article-body p")
        assert page.is_visible(".page-list")
    finally:
        context.close()


# --- keyboard page turning -------------------------------------------------------------


def test_arrow_keys_turn_the_pages_on_the_page_navigator(site, desktop):
    desktop.goto(site + VIEWS["page"])
    desktop.keyboard.press("ArrowRight")
    desktop.wait_for_url("**/2024-08-02/page/3/")
    desktop.keyboard.press("ArrowLeft")
    desktop.wait_for_url("**/2024-08-02/page/2/")
    desktop.keyboard.press("ArrowLeft")
    desktop.wait_for_url("**/2024-08-02/page/1/")
    desktop.keyboard.press("ArrowLeft")  # the first page: nothing before it
    desktop.wait_for_timeout(300)
    assert desktop.url.endswith(page_path(1, "2024-08-02"))
    assert desktop.is_visible("[data-key-hint]")


def test_arrow_keys_leave_the_search_box_alone(site, desktop):
    desktop.goto(site + VIEWS["page"])
    desktop.fill("#site-search", "临江")
    desktop.press("#site-search", "ArrowLeft")
    desktop.wait_for_timeout(300)
    assert desktop.url.endswith(page_path(2, "2024-08-02"))


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(site, desktop):
    desktop.goto(site + VIEWS["article"])
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.className") == "skip-link"
    assert desktop.is_visible(".skip-link")
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("document.activeElement.id") == "content"


# --- phones ------------------------------------------------------------------------------


def test_on_a_phone_the_page_list_and_headlines_fold_into_menus(site, phone):
    phone.goto(site + VIEWS["article"])
    assert not phone.is_visible(".page-list")
    assert not phone.is_visible(".headlines-compact")
    phone.click("#page-list-title")
    assert phone.is_visible(".page-list")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing wider than the screen


def test_on_a_desktop_the_page_list_is_open_beside_the_article(site, desktop):
    desktop.goto(site + VIEWS["article"])
    assert desktop.is_visible(".page-list")
    sidebar = desktop.locator(".sidebar").bounding_box()
    article = desktop.locator(".article").bounding_box()
    assert sidebar["x"] + sidebar["width"] <= article["x"]


def test_printing_an_article_leaves_out_the_navigation(site, desktop):
    desktop.goto(site + VIEWS["article"])
    desktop.emulate_media(media="print")
    assert desktop.is_visible(".article-body")
    for chrome in (".sidebar", ".edition-bar", ".article-tools", ".site-footer"):
        assert not desktop.is_visible(chrome), chrome


# --- accessibility and screenshots ------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_kind_of_page_passes_axe_and_is_photographed(site, request, screenshot, view, device):
    from axe_playwright_python.sync_playwright import Axe

    page = request.getfixturevalue(device)
    page.goto(site + VIEWS[view])
    page.wait_for_load_state("networkidle")
    screenshot(page, f"reader-{view}-{device}")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []
