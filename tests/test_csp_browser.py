"""Every reader view and the admin in a real browser under the Content-Security-Policy:
nothing blocked, the inline script and the masthead colour applied.

Violations are collected twice: the ``securitypolicyviolation`` events of the page
(listened to by a script Playwright adds before any of the page's own) and the
console, where chromium logs every refusal.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from editions.models import Article
from tests.factories import default_paper
from tests.rawpages import raw_page
from tests.test_browser_reader import VIEWS

pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                    " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def site(live_server, demo_dir, transactional_db):
    default_paper()
    call_command("create_paper", "ljwb", "临江晚报", position=2, colour="#1f4e79", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return live_server.url


@pytest.fixture
def watched(desktop):
    """The desktop page, recording every CSP violation: ``watched.violations()``."""
    console: list[str] = []
    desktop.add_init_script(LISTEN)
    desktop.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations() -> list[str]:
        events = desktop.evaluate("window.__csp || []")
        return [*events, *console]

    desktop.violations = violations
    return desktop


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("view", VIEWS)
def test_every_reader_view_runs_under_the_policy(site, watched, view):
    visit(watched, site + VIEWS[view])
    assert watched.violations() == []
    # The nonced inline script ran before reader.js did.
    assert watched.evaluate("document.documentElement.classList.contains('js')")


def test_the_masthead_colour_applies_under_the_policy(site, watched):
    visit(watched, site + VIEWS["paper"])
    colour = watched.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--masthead-colour').trim()"
    )
    assert colour == "#1f4e79"
    assert watched.violations() == []


def test_a_saved_text_size_applies_from_a_cached_page(site, watched):
    """The inline script's nonce is this response's even when the page came from the cache."""
    url = site + VIEWS["article"]
    visit(watched, url)
    watched.click('[data-font="up"]')
    visit(watched, url)  # cached by now
    scale = watched.evaluate("document.documentElement.style.getPropertyValue('--text-scale')")
    assert float(scale) > 1
    assert watched.violations() == []


def test_the_listener_does_see_a_violation(site, watched):
    """The control: an inline script without the nonce is blocked and reported."""
    visit(watched, site + VIEWS["page"])
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.head.appendChild(s); }"
    )
    watched.wait_for_function("window.__csp.length > 0")
    assert watched.evaluate("window.__ran === undefined")
    assert any("script-src" in line for line in watched.violations())


def test_the_admin_works_under_the_policy(site, watched, superuser, password):
    page = watched
    page.goto(f"{site}/admin/")
    page.fill("#id_username", superuser.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(superuser.username)

    article = Article.objects.filter(page__edition__paper__code="ljrb").order_by("pk").first()
    visit(page, f"{site}/admin/editions/article/")
    visit(page, f"{site}/admin/editions/article/{article.pk}/change/")
    page.fill("#id_title", article.title + "（更正）")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    visit(page, f"{site}/admin/editions/article/{article.pk}/history/")
    visit(page, f"{site}/admin/editions/edition/")
    visit(page, f"{site}/admin/editions/importrun/upload/")
    page.set_input_files(
        "#id_files",
        [{"name": "2024-09-01-p2-1.txt", "mimeType": "text/plain", "buffer": raw_page().encode()}],
    )
    page.click("input[name=_upload]")
    page.wait_for_load_state("networkidle")
    assert page.violations() == []
