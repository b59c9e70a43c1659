"""``/healthz``: may a load balancer send readers to this node?

It answers 200 when the database and the cache both answer, 503 otherwise,
with a small JSON body naming each check and, for a failure, the kind of error
only (never a message: a driver's message may hold a host name or a user). It
writes nothing to the database; the cache check writes one short-lived key,
which is the only way to know a Redis accepts writes. It is never cached, and
never redirected to HTTPS, so a proxy may probe the node over plain HTTP on
the loopback (see ``SECURE_REDIRECT_EXEMPT`` in the settings).
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


def _cache() -> None:
    key = "healthz:" + secrets.token_hex(8)
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache lost a value")
    cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure means "not healthy", whatever raised it
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
