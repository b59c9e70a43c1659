"""Each process's copies of rendered pages (``caching.LocalPages``), in front of the shared cache.

A copy is kept under the page's full key, which holds the edition's fingerprint:
these tests show it saves the shared cache's round trip, never outlives a change
of the edition, and stays within its bounds.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from editions import caching
from editions.models import Page
from tests.paths import article_path, page_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_local_copies():
    caching.local_pages.clear()
    yield
    caching.local_pages.clear()


def test_a_page_served_before_needs_no_shared_cache(client, edition, django_assert_num_queries):
    first = client.get(page_path(2)).content
    cache.clear()  # the shared copy is gone: this process's copy answers
    with django_assert_num_queries(1):  # the edition's lookup alone
        again = client.get(page_path(2))
    assert again.status_code == 200
    assert _without_nonces(again.content) == _without_nonces(first)


def _without_nonces(html: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b"", html)


def test_a_page_kept_by_another_node_is_taken_and_kept_here(client, edition):
    client.get(page_path(2))
    caching.local_pages.clear()  # as if the page had been rendered on another node
    assert len(caching.local_pages) == 0
    client.get(page_path(2))
    assert len(caching.local_pages) == 1


def test_a_correction_is_never_answered_with_a_kept_copy(client, edition):
    path = article_path(2, 1)
    assert "第2版第1篇" in client.get(path).content.decode()
    assert "第2版第1篇" in client.get(path).content.decode()
    article = edition.pages.get(number=2).articles.get(position=1)
    article.title = "更正：第二版首篇"
    article.save()
    html = client.get(path).content.decode()
    assert "更正：第二版首篇" in html
    page = Page.objects.get(edition=edition, number=2)
    page.name = "改名的版面"
    page.save()
    assert "改名的版面" in client.get(page_path(2)).content.decode()


def test_a_withdrawn_edition_is_gone_though_its_pages_are_kept(client, edition):
    assert client.get(page_path(1)).status_code == 200
    edition.is_published = False
    edition.save()
    assert client.get(page_path(1)).status_code == 404


def test_the_copies_are_bounded_in_bytes(client, edition, settings):
    size = len(client.get(page_path(1)).content)
    caching.local_pages.clear()
    settings.READER_LOCAL_PAGE_BYTES = size * 4 + size // 2
    for number in (1, 2, 3, 4):
        client.get(page_path(number))
        client.get(article_path(number, 1))
    assert 1 <= len(caching.local_pages) <= 4
    assert caching.local_pages._size <= settings.READER_LOCAL_PAGE_BYTES
    settings.READER_LOCAL_PAGE_BYTES = 0
    caching.local_pages.clear()
    client.get(page_path(3))
    assert len(caching.local_pages) == 0


def test_no_copies_when_the_page_cache_is_off(client, edition, settings):
    settings.READER_PAGE_CACHE_SECONDS = 0
    client.get(page_path(1))
    client.get(page_path(1))
    assert len(caching.local_pages) == 0


def test_a_copy_lives_no_longer_than_the_page_cache_says(client, edition, settings, monkeypatch):
    import time

    settings.READER_PAGE_CACHE_SECONDS = 60
    client.get(page_path(1))
    key = next(iter(caching.local_pages._entries))
    assert caching.local_pages.get(key) is not None
    later = time.monotonic() + 61
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)
    assert caching.local_pages.get(key) is None
    assert len(caching.local_pages) == 0


@pytest.mark.parametrize(("max_age", "shared", "stale"), [(0, 30, 30), (60, 600, 0)])
def test_the_cache_control_header_is_what_patch_cache_control_writes(
    client, edition, settings, max_age, shared, stale
):
    from django.http import HttpResponse
    from django.utils.cache import patch_cache_control

    settings.READER_MAX_AGE, settings.READER_SHARED_MAX_AGE = max_age, shared
    settings.READER_STALE_SECONDS = stale
    expected = HttpResponse()
    patch_cache_control(
        expected, public=True, max_age=max_age, s_maxage=shared, stale_while_revalidate=stale
    )
    for _ in range(2):  # rendered, then a kept copy
        assert client.get(page_path(1))["Cache-Control"] == expected["Cache-Control"]
