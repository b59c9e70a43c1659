"""Crawl the demo site from / and follow every link: none may be broken."""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.management import call_command

from editions.models import Article, Edition
from tests.paths import archive_path, edition_path, headlines_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(demo_dir):
    """The demo as ``make run`` loads it: two papers of the group, three editions each
    (2024-07-31 from an e-paper mirror and crawler dumps, 08-01 and 08-02 from article views)."""
    call_command("create_paper", "ljwb", "临江晚报", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    assert Edition.objects.published().count() == 6
    return demo_dir


def crawl(client, start="/"):
    """Visit every internal link reachable from ``start``; return {path: soup} and the links."""
    seen: dict[str, BeautifulSoup] = {}
    links: list[tuple[str, str]] = []  # (from page, href)
    queue = deque([start])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        media = "/" + settings.MEDIA_URL.strip("/") + "/"
        if path.startswith(media):
            # Page images and PDFs are served by the storage (an object store in
            # production), not by the site: the link must name a stored file.
            assert default_storage.exists(path[len(media) :]), f"{path} is not stored"
            seen[path] = None
            continue
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        seen[path] = soup
        for anchor in soup.find_all("a", href=True):
            href = anchor["href"]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "#")):
                continue
            links.append((path, href))
            target, _fragment = urldefrag(href)
            if target.startswith("?"):
                target = urlsplit(path).path + target
            if target not in seen:
                queue.append(target)
    return seen, links


def test_every_link_from_the_front_page_resolves(client, demo_site):
    seen, links = crawl(client)
    # Both papers, all six editions, every page and every article were reached.
    articles = Article.objects.published().select_related("page__edition__paper")
    assert articles.count() == 49 + 21 + 6 + 5  # the mirror's 7 files are 6 articles
    assert {a.get_absolute_url() for a in articles} <= set(seen)
    for paper in ("ljrb", "ljwb"):
        assert {
            headlines_path("2024-08-01", paper=paper),
            headlines_path("2024-08-02", paper=paper),
            archive_path(2024, 8, paper=paper),
        } <= set(seen)
    assert len(links) > 1000


def test_every_link_to_a_place_in_a_page_finds_its_anchor(client, demo_site):
    seen, links = crawl(client)
    fragments = [(source, href) for source, href in links if "#" in href]
    assert fragments, "the demo has stories continued from another page"
    for source, href in fragments:
        target, fragment = urldefrag(href)
        assert seen[target].find(id=fragment) is not None, f"{href} (linked from {source})"


def test_every_stylesheet_and_script_exists(client, demo_site):
    soup = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    assets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assets += [script["src"] for script in soup.find_all("script", src=True)]
    assert assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_every_link_resolves_in_english_too(client, demo_site):
    client.cookies["django_language"] = "en"
    seen, _links = crawl(client, edition_path("2024-08-01"))
    assert "Next page" in str(seen[edition_path("2024-08-01")])
