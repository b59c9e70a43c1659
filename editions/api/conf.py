"""The API's knobs: a Django setting of the same name wins, else the environment, else
the default (suited to development and a modest public API)."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    # Requests a minute from one client address without a key.
    "API_RATE_PER_MINUTE": 120,
    # Seconds a response may be reused by browsers and shared caches.
    "API_CACHE_SECONDS": 60,
    # Seconds a looked-up API key is remembered (a revoked key stops within this).
    "API_KEY_CACHE_SECONDS": 60,
}


def get(name: str) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or DEFAULTS[name]
    return int(value)
