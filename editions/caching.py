"""HTTP caching of the reader's pages, fit for a CDN in front of several nodes.

Published pages are public: ``Cache-Control: public, max-age=…, s-maxage=…,
stale-while-revalidate=…`` with an ETag and a Last-Modified header. Browsers
revalidate on every visit (``max-age=0`` by default), which costs one query and
answers 304; a CDN reuses its copy for ``READER_SHARED_MAX_AGE`` seconds and may
serve it ``READER_STALE_SECONDS`` longer while it asks again. That is the
trade-off: every node serves an editor's publish, withdrawal or correction on the
very next request (the edition's ``updated_at`` is in every validator and cache
key, and the database is shared), while readers behind a CDN may see the old copy
for up to the sum of those two settings; a legal takedown that cannot wait needs
a CDN purge as well. Staff previews of unpublished editions are never stored.

``Vary: Accept-Language, Cookie``: the language comes from the visitor's browser
or their language cookie, and a session cookie may make the same address a
staff preview. Nothing else per visitor is on a page: the language switch posts
without a CSRF token (``newsroom/urls.py`` says why), so a published page sets
no cookie and is the same for every reader without one.

The ETag covers more than the edition's timestamp, because a page also shows
things the timestamp does not move: the language it is rendered in and the
code and templates of this release.

Rendered pages are also kept in Django's cache (per process, or shared by every
node through Redis) under the same fingerprint, so a page is rendered once per
change of its edition rather than once per reader. The key holds the path and
only the query parameters the view reads (a ``utm_source`` never makes a second
copy); the key changes whenever the edition does, so a cached page is never
stale. For the same reason each process keeps the pages it served lately in
front of the shared cache (``LocalPages``), saving Redis's round trip on a hit.
``READER_PAGE_CACHE_SECONDS = 0`` turns both off.

Finding the edition is then most of what a kept page costs, so each process
also remembers, per address, what it found and the database's change counter
it found it at (``editions.changes``): while the counter has not moved, nothing
the lookup reads has changed, and the next request for the address costs one
read of that integer instead of the lookup and the key's digests
(``remembered_answer``). The database is shared, so every node sees a change on
its next request, as before.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language

from newsroom.csp import nonce_placeholder

from . import changes
from .models import Edition

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
    return f'"{_digest((release_fingerprint(), get_language(), *parts))}"'


# --- rendered pages ------------------------------------------------------------------

#: What a reader's page gets as its CSRF token: Django's own "none on purpose"
#: value, for which ``{% csrf_token %}`` renders nothing. Readers' pages hold no
#: token (their one form, the language switch, needs none), so nothing in a cached
#: page is ever replaced per visitor and no article text can be mistaken for a token.
CSRF_PLACEHOLDER = "NOTPROVIDED"


def page_path(request: HttpRequest) -> dict[str, str]:
    """Template context: ``page_path``, this page's address as far as the page depends on it.

    What a cached page may show of its own address (the language switch's
    ``next``): the path and the view's own parameters, never a visitor's
    ``utm_source``, which the next reader of the cached copy would inherit.
    A page that is not cached (search results) keeps its whole address.
    """
    if not getattr(request, "reader_page_cached", False):
        return {"page_path": request.get_full_path()}
    query = page_query(request)
    return {"page_path": f"{request.path}?{query}" if query else request.path}


def page_cache_seconds() -> int:
    return getattr(settings, "READER_PAGE_CACHE_SECONDS", 3600)


def query_params(request: HttpRequest) -> tuple[str, ...]:
    """The query parameters the view answering ``request`` reads.

    A view may say so (``cache_query_params = ("section",)``); a django-filter
    view reads its filter set's parameters; any other reads none.
    """
    match = request.resolver_match
    view_class = getattr(match.func, "view_class", None) if match else None
    declared = getattr(view_class, "cache_query_params", None)
    if declared is None:
        filterset = getattr(view_class, "filterset_class", None)
        declared = tuple(filterset.base_filters) if filterset is not None else ()
    return tuple(declared)


def page_query(request: HttpRequest) -> str:
    """The part of the query string a page depends on, in a canonical order."""
    pairs = [
        (name, value)
        for name in sorted(query_params(request))
        for value in request.GET.getlist(name)
    ]
    return urlencode(pairs)


def page_key(request: HttpRequest, *parts: object) -> str:
    """The cache key of a rendered page: everything it depends on but the visitor.

    Of the query string only the view's own parameters count, plus whether there
    is anything else (the headline index marks a filtered address noindex), so
    any number of tracking variants of an address share at most two entries.
    """
    wanted = query_params(request)
    others = any(name not in wanted for name in request.GET)
    request.reader_page_cached = True  # see page_path()
    where = (request.scheme, request.get_host(), request.path, page_query(request), others)
    return "reader-page:" + _digest(
        (release_fingerprint(), nonce_placeholder(), get_language(), *where, *parts)
    )


def cached_page(key: str) -> bytes | None:
    """The rendered page kept under ``key``: from this process's copies, else the shared cache."""
    seconds = page_cache_seconds()
    if not seconds:
        return None
    content = local_pages.get(key)
    if content is None:
        content = cache.get(key)
        if isinstance(content, bytes):
            local_pages.put(key, content, seconds)
        else:
            content = None  # nothing, or a copy from before pages were kept as bytes
    return content


def keep_page(key: str, content: bytes) -> None:
    """Keep a rendered page (its encoded body) in the shared cache and this process's copies."""
    seconds = page_cache_seconds()
    if seconds:
        cache.set(key, content, seconds)
        local_pages.put(key, content, seconds)


class Answer(NamedTuple):
    """What a reader's address was found to be, and the change counter it holds for."""

    changes: int
    etag: str
    last_modified: datetime.datetime | None
    key: str  # the rendered page's


#: How many addresses' answers a process remembers (a few hundred bytes each).
ANSWERS = 4096


class LocalPages:
    """The rendered pages this process served lately, in front of the shared cache,
    and what it found for each reader's address (``Answer``).

    A page's key holds its edition's fingerprint, so a copy kept here is never
    stale: once the edition changes, the next request computes another key. What
    it saves is the shared cache's round trip (with Redis, a third of a cached
    page's time). Bounded by ``READER_LOCAL_PAGE_BYTES`` (default 8 MiB; 0 keeps
    none), oldest first, and each copy by the page cache's own lifetime. Answers
    are bounded by ``ANSWERS``, oldest first; each holds only while the change
    counter says what it said, so none is ever taken for a changed database.
    """

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.answers: dict[tuple, Answer] = {}

    def remember(self, where: tuple, answer: Answer) -> None:
        with self._lock:
            self.answers.pop(where, None)
            if len(self.answers) >= ANSWERS:
                del self.answers[next(iter(self.answers))]
            self.answers[where] = answer

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: str, content: bytes, seconds: int) -> None:
        limit = getattr(settings, "READER_LOCAL_PAGE_BYTES", 8 * 1024 * 1024)
        if len(content) > limit // 4:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + seconds, content)
            self._size += len(content)
            while self._size > limit:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, content = self._entries.pop(key)
        self._size -= len(content)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
            self.answers.clear()

    def __len__(self) -> int:
        return len(self._entries)


local_pages = LocalPages()


# --- answers remembered per address ----------------------------------------------


def answer_key(request: HttpRequest) -> tuple | None:
    """Everything of a request that its page's key and ETag depend on, undigested;
    None when no page is kept (``READER_PAGE_CACHE_SECONDS = 0``).

    The raw query string rather than the view's own parameters: working those out
    is what a remembered answer saves (tracking variants of an address each take
    an entry, within ``ANSWERS``).
    """
    if not page_cache_seconds():
        return None
    return (
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language(),
        request.scheme,
        request.get_host(),
    )


def remember(where: tuple, counter: int | None, etag: str, last_modified, key: str) -> None:
    """Remember what the address ``where`` was found to be at change counter ``counter``.

    Not inside a transaction: there the counter may not yet count this
    connection's own writes (``changes``).
    """
    if counter is not None and not connections[router.db_for_read(Edition)].in_atomic_block:
        local_pages.remember(where, Answer(counter, etag, last_modified, key))


def remembered_answer(request: HttpRequest, where: tuple) -> HttpResponse | None:
    """The answer to a reader's request from what this process found for the address
    before, if the change counter has not moved since and the page is still kept.

    One query, for the counter; None (and no query) when nothing is remembered.
    """
    found = local_pages.answers.get(where)
    # The database the edition lookup reads (lookup.published_edition).
    if found is None or changes.current(router.db_for_read(Edition)) != found.changes:
        return None
    response = not_modified(request, found.etag, found.last_modified)
    if response is None:
        content = cached_page(found.key)
        if content is None:
            return None
        response = HttpResponse(content)
        set_validators(response, found.etag, found.last_modified)
    return response


def not_modified(
    request: HttpRequest, etag: str, last_modified: datetime.datetime | None
) -> HttpResponse | None:
    """The 304 (or 412) answer to a conditional GET, or None when the page must be rendered."""
    meta = request.META
    if not any(name in meta for name in _PRECONDITIONS):
        return None  # most requests: nothing to compare the validators with
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        set_validators(response, etag, last_modified)
    return response


#: The request headers that make a GET conditional (``get_conditional_response`` reads them).
_PRECONDITIONS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
_VARY = ("Accept-Language", "Cookie")


def set_validators(
    response: HttpResponse, etag: str, last_modified: datetime.datetime | None
) -> None:
    headers = response.headers
    headers["ETag"] = etag
    if last_modified is not None:
        headers["Last-Modified"] = _http_date(last_modified.timestamp())
    directives = _public_directives()
    # On a new response, what patch_cache_control and patch_vary_headers would write.
    if "Cache-Control" in headers:
        patch_cache_control(response, **dict(directives))
    else:
        headers["Cache-Control"] = _public_cache_control(directives)
    if "Vary" in headers:
        patch_vary_headers(response, _VARY)
    else:
        headers["Vary"] = ", ".join(_VARY)


@functools.lru_cache(maxsize=256)
def _http_date(timestamp: float) -> str:
    """An edition's Last-Modified, formatted once: the same on every request until it changes."""
    return http_date(timestamp)


def _public_directives() -> tuple:
    return (
        ("public", True),
        ("max_age", settings.READER_MAX_AGE),
        ("s_maxage", settings.READER_SHARED_MAX_AGE),
        ("stale_while_revalidate", settings.READER_STALE_SECONDS),
    )


@functools.lru_cache(maxsize=8)
def _public_cache_control(directives: tuple) -> str:
    response = HttpResponse()
    patch_cache_control(response, **dict(directives))
    return response.headers["Cache-Control"]


def forbid_storing(response: HttpResponse) -> None:
    """For staff previews: no cache, shared or private, may keep a copy.

    A preview carries no ETag or Last-Modified either, so it is never revalidated.
    """
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))
