"""Request hygiene shared by every view, readers' and editors' alike."""

from __future__ import annotations

from django.http import QueryDict

_NUL = "\x00"


class StripNulFromQueryMiddleware:
    """Drop NUL characters from the query string's parameters.

    No text column can hold or be compared with NUL on PostgreSQL: a search box,
    a list filter or an admin autocomplete handed ``%00`` would fail in the
    database driver with a 500. Nobody types a NUL on purpose, so it is removed
    here once, before any view, form or filter reads ``request.GET``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _NUL in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace(_NUL, ""), [v.replace(_NUL, "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
