"""HTTP caching of the reader's pages.

Published pages carry an ETag and a Last-Modified header and are revalidated
on every visit (``Cache-Control: private, no-cache``): a conditional GET costs
one query and answers 304, and an editor's change, which bumps the edition's
``updated_at``, shows at once. Staff previews of unpublished editions are
never stored anywhere.

The ETag covers more than the edition's timestamp, because a page also
shows things the timestamp does not move: the neighbouring editions, the
language it is rendered in, the visitor's CSRF cookie (the language switch
carries a token bound to it), and the code and templates of this release.

Rendered pages are also kept in Django's cache under the same fingerprint
(minus the visitor's cookie), so a page is rendered once per change of its
edition rather than once per reader. The one per-visitor part of a page, the
CSRF token of the language switch, is rendered as a placeholder and filled in
for each response. The key changes whenever the edition does, so a cached
page is never stale; ``READER_PAGE_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

_RELEASE_PARTS = ("editions", "templates", "static", "locale")
_RELEASE_SUFFIXES = {".py", ".html", ".css", ".js", ".mo"}


@functools.cache
def release_fingerprint() -> str:
    """A digest of the code, templates and static files that shape a page.

    Computed once per process from file contents, so every worker of one
    deployment agrees on it and a deployment that changes a template stops
    old copies from being revalidated as current.
    """
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for part in _RELEASE_PARTS:
        for path in sorted((root / part).rglob("*")):
            if path.suffix in _RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(parts) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def make_etag(request: HttpRequest, *parts: object) -> str:
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return f'"{_digest((release_fingerprint(), get_language(), csrf_cookie, *parts))}"'


# --- rendered pages ------------------------------------------------------------------

#: Rendered in place of the CSRF token in cached pages; replaced per response.
CSRF_PLACEHOLDER = "reader-csrf-token-placeholder"


def page_cache_seconds() -> int:
    return getattr(settings, "READER_PAGE_CACHE_SECONDS", 3600)


def page_key(request: HttpRequest, *parts: object) -> str:
    """The cache key of a rendered page: everything it depends on but the visitor."""
    where = (request.scheme, request.get_host(), request.get_full_path())
    return "reader-page:" + _digest((release_fingerprint(), get_language(), *where, *parts))


def cached_page(key: str) -> str | None:
    return cache.get(key) if page_cache_seconds() else None


def keep_page(key: str, html: str) -> None:
    if page_cache_seconds():
        cache.set(key, html, page_cache_seconds())


def with_csrf_token(html: str, request: HttpRequest) -> str:
    """The page with this visitor's token (which also sets their CSRF cookie)."""
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


def not_modified(
    request: HttpRequest, etag: str, last_modified: datetime.datetime | None
) -> HttpResponse | None:
    """The 304 (or 412) answer to a conditional GET, or None when the page must be rendered."""
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        set_validators(response, etag, last_modified)
    return response


def set_validators(
    response: HttpResponse, etag: str, last_modified: datetime.datetime | None
) -> None:
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


def forbid_storing(response: HttpResponse) -> None:
    """For staff previews: no cache, shared or private, may keep a copy.

    A preview carries no ETag or Last-Modified either, so it is never revalidated.
    """
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))
