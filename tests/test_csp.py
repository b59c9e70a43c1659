"""Content-Security-Policy and Permissions-Policy headers, and nonces through the page cache."""

import re

import pytest

from newsroom.csp import nonce_placeholder
from tests.paths import article_path, headlines_path, page_path

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([^']+)'")


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def page_nonces(html: str) -> set[str]:
    return set(re.findall(r'<(?:script|style)[^>]* nonce="([^"]+)"', html))


def test_a_readers_page_allows_only_its_own_scripts_and_the_nonced_inline_ones(client, edition):
    response = client.get(page_path(1, "2024-08-02"))
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert NONCE.match(directives[name][1])
    header_nonce = NONCE.match(directives["script-src"][1]).group(1)
    assert page_nonces(response.content.decode()) == {header_nonce}


def test_the_inline_script_and_the_masthead_style_carry_the_nonce(client, edition):
    paper = edition.paper
    paper.colour = "#1f4e79"
    paper.save()
    html = client.get(page_path(1, "2024-08-02")).content.decode()
    assert re.search(r'<style nonce="[^"]+">:root\{--masthead-colour:#1f4e79\}</style>', html)
    assert re.search(r'<script nonce="[^"]+">document\.documentElement', html)
    # Every inline script of the page is either nonced or a JSON-LD data block.
    for tag in re.findall(r"<script(?![^>]* src=)[^>]*>", html):
        assert "nonce=" in tag or 'type="application/ld+json"' in tag, tag


@pytest.mark.parametrize(
    "path", [page_path(1, "2024-08-02"), article_path(1, 1, "2024-08-02"), "/"]
)
def test_each_response_of_a_cached_page_has_a_fresh_nonce_of_its_own(client, edition, path):
    seen = set()
    for _ in range(3):  # rendered, then twice from the cache
        response = client.get(path)
        header = NONCE.search(response["Content-Security-Policy"]).group(1)
        assert page_nonces(response.content.decode()) == {header}
        assert int(response["Content-Length"]) == len(response.content)
        seen.add(header)
    assert len(seen) == 3


def test_the_placeholder_never_leaves_the_server(client, edition):
    for path in (page_path(1, "2024-08-02"), page_path(1, "2024-08-02"), "/admin/login/"):
        response = client.get(path)
        assert nonce_placeholder() not in response.content.decode()
        assert nonce_placeholder() not in response["Content-Security-Policy"]


def test_a_304_carries_no_policy_to_overwrite_the_stored_pages(client, edition):
    """A browser or CDN refreshes its copy's headers from a 304: a new nonce there would
    no longer match the nonce in the copy's HTML."""
    etag = client.get(page_path(1, "2024-08-02"))["ETag"]
    response = client.get(page_path(1, "2024-08-02"), headers={"if-none-match": etag})
    assert response.status_code == 304
    assert "Content-Security-Policy" not in response


def test_the_headline_index_and_errors_are_covered_too(client, edition):
    assert "script-src" in client.get(headlines_path("2024-08-02"))["Content-Security-Policy"]
    missing = client.get(page_path(1, "2031-01-01"))
    assert missing.status_code == 404
    assert "script-src" in missing["Content-Security-Policy"]


def test_the_admin_keeps_strict_scripts_and_allows_its_inline_styles(superuser_client):
    directives = policy(superuser_client.get("/admin/"))
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in directives["script-src"]


def test_a_report_address_may_be_configured(client, edition, settings):
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives["report-uri"] = ["/csp-reports/"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    assert policy(client.get(page_path(1, "2024-08-02")))["report-uri"] == ["/csp-reports/"]


def test_powerful_browser_features_are_switched_off(client, edition):
    header = client.get(page_path(1, "2024-08-02"))["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()"
