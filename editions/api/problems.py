"""Errors as RFC 9457 problem details (``application/problem+json``), one shape for all.

Every error of the API, whoever raises it (an endpoint, ninja's validation, the rate
limit, Django's 404 for an unknown address, an unexpected exception), leaves as::

    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "This edition has no such page.", "instance": "/api/…", "code": "not_found"}

``code`` is a stable, machine-readable word for the kind of error; validation
errors add ``errors``, a list of ``{"loc": [...], "msg": "..."}``.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

CONTENT_TYPE = "application/problem+json"

#: Default ``code`` of each status.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    422: "invalid_parameters",
    429: "rate_limited",
    500: "server_error",
}


def problem(
    request: HttpRequest | None,
    status: int,
    detail: str = "",
    *,
    code: str = "",
    **extra,
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "code": code or CODES.get(status, "error"),
    }
    if request is not None:
        body["instance"] = request.path
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(CONTENT_TYPE)


def validation_errors(errors: list[dict]) -> list[dict]:
    """Ninja's (pydantic's) validation errors, reduced to where and what."""
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in errors
    ]
