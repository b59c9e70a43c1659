"""The project's URLs try the readers' first (``newsroom/urls.py``): these tests show
that order changes what no address resolves to, only how soon a reader's is found."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

from editions.converters import PAPER_CODE_REGEX
from editions.models import RESERVED_PAPER_CODES
from tests.paths import article_path, page_path, paper_path


def other_routes(patterns, prefix=""):
    """Every route of the project but the readers', as written (includes expanded)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "editions":
                continue
            if route:  # a prefixed include (the admin's, the API's): its prefix says enough
                yield route
            else:
                yield from other_routes(pattern.url_patterns, route)
        else:
            yield route


def test_no_other_route_starts_with_what_could_be_a_papers_code():
    routes = list(other_routes(get_resolver().url_patterns))
    assert {"admin/", "healthz", "robots.txt"} <= set(routes)
    for route in routes:
        first, slash, _ = route.partition("/")
        # A reader's address is a paper's code and a slash; the code no reserved word.
        assert (
            not slash or first in RESERVED_PAPER_CODES or not re.fullmatch(PAPER_CODE_REGEX, first)
        ), route


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/api/",
        "/api/2024-08-02/",
        "/feeds/ljrb/rss/",
        "/media/2024-08-02/page.png",
        "/i18n/setlang/",
    ],
)
def test_the_other_addresses_still_reach_their_own_views(path):
    match = resolve(path)
    assert "editions" not in match.namespaces
    assert match.route.startswith(path.split("/")[1] + "/")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (page_path(2), "page"),
        (article_path(2, 1), "article"),
        (paper_path(), "paper"),
        ("/2024-08-02/page/2/", "old-page"),
        ("/archive/2024/08/", "old-archive-month"),
    ],
)
def test_readers_addresses_and_old_links_resolve_as_before(path, name):
    assert resolve(path).view_name == f"editions:{name}"
