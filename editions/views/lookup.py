"""The reader's edition lookup, written as one SQL statement.

Every reader's request inside an edition starts by finding the edition (with its
paper, the number of listed papers, and whether the paper has a published edition
before and after it); a request the page cache answers does nothing else. Built
with the ORM, that query spent about 6 ms composing itself in Python per request,
five times what the database took to answer it and most of a cached page's cost.
So the statement is written once here, with parameters, and rows become model
instances directly. ``tests/test_views_lookup.py`` checks it answers exactly what
the ORM's ``Edition.objects.published()`` and ``with_neighbours`` answer.

The same statement reads the change counter (``editions.changes``), so the answer
and the counter value it is valid for come from one snapshot of the database.
``with_neighbours`` asks the ORM the same of any queryset of editions (staff
previews, a paper's newest edition).
"""

from __future__ import annotations

import datetime
import functools
from functools import cache

from django.db import connection, connections, router
from django.db.models import Exists, OuterRef, Q

from .. import changes
from ..models import Edition, Paper

_PAPER_FIELDS = ("id", "code", "name", "subtitle", "language", "colour", "position", "is_listed")
_EDITION_FIELDS = (
    "id",
    "paper_id",
    "date",
    "code",
    "name",
    "is_published",
    "created_at",
    "updated_at",
)


@cache
def _statement(vendor: str) -> str:
    q = connection.ops.quote_name
    edition, paper = q(Edition._meta.db_table), q(Paper._meta.db_table)
    true = "TRUE" if vendor == "postgresql" else "1"
    columns = [f"e.{q(name)}" for name in _EDITION_FIELDS] + [
        f"p.{q(name)}" for name in _PAPER_FIELDS
    ]
    published = (
        f"SELECT 1 FROM {edition} o JOIN {paper} op ON op.{q('id')} = o.{q('paper_id')} "
        f"WHERE o.{q('paper_id')} = e.{q('paper_id')} AND o.{q('is_published')} = {true} "
        f"AND op.{q('is_listed')} = {true}"
    )
    earlier = (
        f"(o.{q('date')} < e.{q('date')} OR "
        f"(o.{q('date')} = e.{q('date')} AND o.{q('code')} < e.{q('code')}))"
    )
    later = (
        f"(o.{q('date')} > e.{q('date')} OR "
        f"(o.{q('date')} = e.{q('date')} AND o.{q('code')} > e.{q('code')}))"
    )
    return (
        f"SELECT {', '.join(columns)}, "
        f"(SELECT COUNT(*) FROM {paper} lp WHERE lp.{q('is_listed')} = {true}), "
        f"EXISTS({published} AND {earlier}), EXISTS({published} AND {later}), "
        f"({changes.READ}) "
        f"FROM {edition} e JOIN {paper} p ON p.{q('id')} = e.{q('paper_id')} "
        f"WHERE p.{q('code')} = %s AND e.{q('date')} = %s AND e.{q('code')} = %s "
        f"AND e.{q('is_published')} = {true} AND p.{q('is_listed')} = {true}"
    )


def published_edition(paper: str, date: datetime.date, code: str) -> Edition | None:
    """The published edition of a listed paper, as ``with_neighbours`` annotates it, and
    the change counter it was read at (``changes``)."""
    # The connection once: each use of django.db.connection is a lookup of its own.
    db = router.db_for_read(Edition)
    conn = connections[db]
    with conn.cursor() as cursor:
        cursor.execute(_statement(conn.vendor), [paper, date, code])
        row = cursor.fetchone()
    if row is None:
        return None
    edition_values = row[: len(_EDITION_FIELDS)]
    paper_values = row[len(_EDITION_FIELDS) : len(_EDITION_FIELDS) + len(_PAPER_FIELDS)]
    paper_count, has_previous, has_next, counter = row[-4:]
    found = Edition.from_db(
        db, _EDITION_FIELDS, _converted(conn, Edition, _EDITION_FIELDS, edition_values)
    )
    found.paper = Paper.from_db(
        db, _PAPER_FIELDS, _converted(conn, Paper, _PAPER_FIELDS, paper_values)
    )
    found.paper_count = int(paper_count)
    found.has_previous = bool(has_previous)
    found.has_next = bool(has_next)
    found.changes = counter
    return found


def _converted(conn, model, names, values) -> list:
    """Values as the ORM would give them (SQLite returns dates and booleans raw)."""
    out = []
    for value, (column, converters) in zip(
        values, _converters(conn.ops, model, names), strict=True
    ):
        for converter in converters:
            value = converter(value, column, conn)
        out.append(value)
    return out


@functools.lru_cache(maxsize=16)
def _converters(ops, model, names) -> list:
    """Each field's column and the backend's converters for it: asked once per connection.

    Looking them up took a fifth of a cached page's time.
    """
    table = model._meta.db_table
    found = []
    for name in names:
        column = model._meta.get_field(name).get_col(table)
        found.append((column, ops.get_db_converters(column)))
    return found


def with_neighbours(editions):
    """Editions annotated with whether the paper has a published one before and after.

    上一期/下一期 still go through ``step_edition``, which finds the neighbour;
    the page only needs to know whether there is one, so the newest edition
    shows 下一期 as unavailable instead of a link to a dead end. Two EXISTS
    in the edition's own query (the ``edition_reading`` index answers them),
    so this costs no query; the answers go into the page's cache key.
    """
    published = Edition.objects.published().filter(paper_id=OuterRef("paper_id"))
    date, code = OuterRef("date"), OuterRef("code")
    earlier = Q(date__lt=date) | Q(date=date, code__lt=code)
    later = Q(date__gt=date) | Q(date=date, code__gt=code)
    return editions.annotate(
        paper_count=Paper.objects.listed().count_subquery(),
        has_previous=Exists(published.filter(earlier)),
        has_next=Exists(published.filter(later)),
    )
