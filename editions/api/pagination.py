"""Keyset (cursor) pagination: the next part starts after the last row seen, never at an OFFSET.

A list is ordered by (date, id), newest date first; the cursor is that pair of the
last row sent, opaque to clients (URL-safe base64). The database then seeks in the
(date, …) index instead of counting past every earlier row, so the thousandth part
of an archive of decades costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class BadCursor(ValueError):
    """The cursor is not one this API made."""


@dataclass(frozen=True)
class Cursor:
    date: datetime.date
    pk: int

    def encode(self) -> str:
        raw = f"{self.date.isoformat()}.{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            padded = value + "=" * (-len(value) % 4)
            day, _, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().partition(".")
            cursor = cls(datetime.date.fromisoformat(day), int(pk))
        except (ValueError, UnicodeError, binascii.Error) as exc:
            raise BadCursor(value) from exc
        if not 0 < cursor.pk < 2**63:
            raise BadCursor(value)
        return cursor


@dataclass
class Part:
    """One part of a list and the cursor of the next, if there is more."""

    rows: list
    next_cursor: str | None

    def next_url(self, request: HttpRequest) -> str | None:
        if self.next_cursor is None:
            return None
        query = request.GET.copy()
        query["cursor"] = self.next_cursor
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


def keyset(
    queryset: QuerySet,
    *,
    date_field: str,
    cursor: str | None,
    limit: int,
    newest_first: bool = True,
) -> Part:
    """The ``limit`` rows after ``cursor`` in (``date_field``, pk) order, newest date first;
    within a date, rows come in id order (the order they were made)."""
    if newest_first:
        queryset = queryset.order_by(f"-{date_field}", "pk")
    else:
        queryset = queryset.order_by(date_field, "pk")
    if cursor:
        after = Cursor.decode(cursor)
        beyond = "lt" if newest_first else "gt"
        queryset = queryset.filter(
            Q(**{f"{date_field}__{beyond}": after.date})
            | Q(**{date_field: after.date}, pk__gt=after.pk)
        )
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        value = last
        for part in date_field.split("__"):
            value = getattr(value, part)
        next_cursor = Cursor(value, last.pk).encode()
    return Part(rows, next_cursor)
