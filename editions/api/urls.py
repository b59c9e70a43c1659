"""The API's URL patterns: ninja's, each wrapped in the door's rules (``gate``), and a
problem-details 404 for any other address under /api/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path

from .endpoints import api
from .gate import gated
from .problems import problem


def _gate_all(patterns):
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            wrapped.append(URLResolver(pattern.pattern, _gate_all(pattern.url_patterns)))
        else:
            wrapped.append(
                URLPattern(
                    pattern.pattern, gated(pattern.callback), pattern.default_args, pattern.name
                )
            )
    return wrapped


def _nowhere(request, rest=""):
    return problem(request, 404, "The API has no such address; see /api/docs.")


ninja_patterns, _, _ = api.urls

urlpatterns = [
    *_gate_all(ninja_patterns),
    re_path(r"^(?P<rest>.*)$", gated(_nowhere), name="nowhere"),
]
