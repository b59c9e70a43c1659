"""What every response of the machine-facing door passes through, whatever made it.

``gated(view)`` wraps the API's views (ninja's endpoints, its schema and docs, the
IIIF manifests) with, in order:

1. CORS open for reading: any origin may GET; a preflight is answered here.
2. HEAD as GET without the body (ninja routes GET only).
3. The rate limit: requests a minute per client address, or per API key for
   partners (``X-API-Key``), counted in Django's cache in fixed one-minute windows.
   Answers carry ``RateLimit-Limit``/``-Remaining``/``-Reset``; the 429 ``Retry-After``.
4. Conditional GET: an ``ETag`` (the body's digest unless the view set one) and the
   view's ``Last-Modified`` answer ``If-None-Match``/``If-Modified-Since`` with 304.
5. Every error as problem details: a response of 400 or more that is not one already
   (ninja's 405, a Django 404) is replaced by one, and an exception by a logged 500.

It is a view decorator rather than a middleware so that it applies to these URLs
alone and the site's middleware stays as it is.
"""

from __future__ import annotations

import functools
import logging
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control

from . import conf
from .models import ApiKey, digest
from .problems import is_problem, problem

logger = logging.getLogger(__name__)

KEY_HEADER = "X-API-Key"
WINDOW_SECONDS = 60
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = f"{KEY_HEADER}, If-None-Match, If-Modified-Since, Accept, Accept-Language"
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
)
_conditional = ConditionalGetMiddleware(lambda request: None)


def open_cors(response: HttpResponse) -> HttpResponse:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = ALLOWED_METHODS
    return open_cors(response)


def find_key(secret: str) -> ApiKey | None:
    """The active key with this secret, remembered a little while to spare a query."""
    cache_key = f"api-key:{digest(secret)}"
    found = cache.get(cache_key)
    if found is None:
        key = ApiKey.objects.matching(secret)
        found = (key.pk, key.requests_per_minute) if key else ()
        cache.set(cache_key, found, conf.get("API_KEY_CACHE_SECONDS"))
    return ApiKey(pk=found[0], requests_per_minute=found[1]) if found else None


class Allowance:
    """One request counted against its client's minute."""

    def __init__(self, client: str, limit: int):
        now = int(time.time())
        window = now // WINDOW_SECONDS
        self.limit = limit
        self.reset = (window + 1) * WINDOW_SECONDS - now
        counter = f"api-rate:{client}:{window}"
        cache.add(counter, 0, WINDOW_SECONDS + 5)
        try:
            self.used = cache.incr(counter)
        except ValueError:  # expired between add and incr: a new window began
            cache.set(counter, 1, WINDOW_SECONDS + 5)
            self.used = 1

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    def stamp(self, response: HttpResponse) -> None:
        response.headers["RateLimit-Limit"] = str(self.limit)
        response.headers["RateLimit-Remaining"] = str(max(0, self.limit - self.used))
        response.headers["RateLimit-Reset"] = str(self.reset)


def allowance(request: HttpRequest) -> Allowance | HttpResponse:
    secret = request.headers.get(KEY_HEADER, "").strip()
    if secret:
        key = find_key(secret)
        if key is None:
            return problem(
                request,
                401,
                "This API key is unknown or revoked. The API is open without a key.",
                code="invalid_api_key",
            )
        return Allowance(f"key:{key.pk}", key.requests_per_minute)
    address = get_client_ip_address(request) or "unknown"
    return Allowance(f"ip:{address}", conf.get("API_RATE_PER_MINUTE"))


def as_problem(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An error response from elsewhere (ninja's 405, Django's 404) as problem details."""
    if response.status_code < 400 or is_problem(response):
        return response
    replaced = problem(request, response.status_code)
    if "Allow" in response:
        replaced.headers["Allow"] = ALLOWED_METHODS
    return replaced


def gated(view):
    """Wrap ``view`` with the door's rules (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight()
        is_head = request.method == "HEAD"
        if is_head:
            request.method = "GET"
        counted = allowance(request)
        if isinstance(counted, HttpResponse):
            return open_cors(counted)
        if counted.exceeded:
            response = problem(
                request,
                429,
                "Too many requests from this client; wait before the next one, or ask for an "
                "API key.",
                retry_after=counted.reset,
            )
            response.headers["Retry-After"] = str(counted.reset)
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404 as exc:
                response = problem(request, 404, str(exc) or "There is nothing here.")
            except Exception:
                logger.exception("API error on %s", request.path)
                response = problem(request, 500, "Something went wrong on our side.")
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            response = as_problem(request, response)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=conf.get("API_CACHE_SECONDS"))
                response = _conditional.process_response(request, response)
        counted.stamp(response)
        if is_head:
            request.method = "HEAD"
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response.headers["Content-Length"] = str(length)
        return open_cors(response)

    wrapper.csrf_exempt = True
    return wrapper
