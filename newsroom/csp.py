"""Content-Security-Policy nonces that survive the rendered-page cache.

django-csp gives each request a fresh nonce (``request.csp_nonce``) and names
it in the header. A reader's page, though, is rendered once and then served
from the shared cache to everyone until its edition changes: a nonce baked
into the cached HTML would be the first reader's, and every later response
would carry a new one in its header and block the page's own inline script.

So templates never write the real nonce. They write ``{{ csp_nonce }}``,
which the context processor below fills with a placeholder, and
:class:`NonceMiddleware` puts this response's nonce in its place on the way
out, for cached and freshly rendered pages alike. The placeholder is derived
from ``SECRET_KEY``, so every node sharing the cache agrees on it, and it is
always replaced before a byte leaves the server: no reader ever sees it, so no
article can hold it (and an article's text is escaped anyway, so even a
guessed placeholder could only ever become a harmless string of letters).

The admin is Django's and django-simple-history's templates as much as ours:
its inline ``<style>`` (``templates/admin/base_site.html``) and a library's
``style`` attribute have no nonce, so under ``/admin/`` styles may be inline;
scripts keep the strict rule everywhere.

A ``304 Not Modified`` carries no policy at all: a browser or CDN updates its
stored copy's headers from a 304, and a new nonce there would no longer match
the stored page's.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse


@cache
def nonce_placeholder() -> str:
    """A token only this installation can compute; the same on every node."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"newsroom.csp.nonce", hashlib.sha256)
    return "csp-nonce-" + digest.hexdigest()[:32]


@cache
def admin_prefix() -> str:
    return reverse("admin:index")


def nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: ``{{ csp_nonce }}`` for ``<script nonce>`` and ``<style nonce>``."""
    return {"csp_nonce": nonce_placeholder()}


class NonceMiddleware:
    """Fill the nonce placeholder with this response's nonce; drop the policy on a 304.

    It must come right after ``csp.middleware.CSPMiddleware`` in ``MIDDLEWARE``,
    so that it runs first on the way out and django-csp then writes the nonce it
    handed out into the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path_info.startswith(admin_prefix()):
            response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}
        if response.status_code == 304:
            response._csp_exempt = True
            return response
        if response.streaming or "html" not in response.get("Content-Type", ""):
            return response
        placeholder = nonce_placeholder().encode()
        if placeholder in response.content:
            response.content = response.content.replace(
                placeholder, str(request.csp_nonce).encode()
            )
            if response.has_header("Content-Length"):  # set by CommonMiddleware, further in
                response["Content-Length"] = str(len(response.content))
        return response
