"""Rebuilding the whole index beside the live one, then swapping it in.

Readers keep searching the live index while the new one is written under the
``_build`` suffix, in batches of articles by id, each batch committed: an
interrupted rebuild resumes after the last article it wrote. At the end, in one
transaction, what changed meanwhile is caught up (articles re-indexed in the live
index since the build began, articles deleted since) and the new tables take the
old ones' names. On SQLite this also drops the rows left behind by corrections.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import backends
from .documents import SOURCE_FIELDS, document

BUILD = "_build"


def _batches(using: str, after: int, size: int) -> Iterator[list[tuple]]:
    from editions.models import Article

    while True:
        rows = list(
            Article.objects.using(using)
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list(*SOURCE_FIELDS)[:size]
        )
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def articles_to_index(using: str = DEFAULT_DB_ALIAS, after: int = 0) -> int:
    from editions.models import Article

    return Article.objects.using(using).filter(pk__gt=after).count()


def rebuild(
    *,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = 2000,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> int:
    """Build a new index and swap it in; returns how many articles it holds.

    ``on_start(done, remaining)`` is told where a resumed build stands;
    ``progress(n)`` is called after each batch of ``n`` articles.
    """
    connection = connections[using]
    backend = backends.for_connection(connection)
    with connection.cursor() as cursor:
        if restart:
            backend.drop_schema(cursor, BUILD)
        if not backend.table_exists(cursor, backend.ENTRY + BUILD):
            with transaction.atomic(using=using):
                # What is queued now, the build reads after this: the queue's work is
                # done by the build. (A resumed build keeps what was queued since.)
                cursor.execute(f"DELETE FROM {backend.PENDING}")
                if connection.vendor == "postgresql":
                    backend.create_schema(cursor, BUILD, indexes=False)
                else:
                    backend.create_schema(cursor, BUILD)
        cursor.execute(
            f"SELECT coalesce(max(article_id), 0), count(*), min(indexed_at) "
            f"FROM {backend.ENTRY}{BUILD}"
        )
        last, done, started = cursor.fetchone()
    started = started or time.time()
    if on_start:
        on_start(done, articles_to_index(using, last))
    for rows in _batches(using, last, batch_size):
        docs = [document(row, chars=backend.NEEDS_CHARS) for row in rows]
        with transaction.atomic(using=using), connection.cursor() as cursor:
            backend.write(cursor, docs, BUILD, fresh=True)
        done += len(docs)
        if progress:
            progress(len(docs))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
            if not backend.table_exists(cursor, f"{backend.ENTRY}{BUILD}_tokens"):
                backend.create_indexes(cursor, BUILD)
            cursor.execute(f"ANALYZE {backend.ENTRY}{BUILD}")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _catch_up(cursor, backend, using, started)
        backend.swap_in(cursor, BUILD)
        cursor.execute(f"SELECT count(*) FROM {backend.ENTRY}")
        total = cursor.fetchone()[0]
    # No second ANALYZE: the statistics gathered on the new table came with it.
    return total


def _catch_up(cursor, backend, using: str, started: float) -> None:
    """Bring the new index up to what changed in the live one since ``started``."""
    from editions.models import Article

    table = backend.ENTRY + BUILD
    cursor.execute(
        f"DELETE FROM {table} WHERE NOT EXISTS "
        f"(SELECT 1 FROM {Article._meta.db_table} a WHERE a.id = {table}.article_id)"
    )
    cursor.execute(f"SELECT article_id FROM {backend.ENTRY} WHERE indexed_at >= %s", [started])
    changed = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(changed), 1000):
        chunk = changed[start : start + 1000]
        rows = Article.objects.using(using).filter(pk__in=chunk).values_list(*SOURCE_FIELDS)
        backend.write(cursor, [document(row, chars=backend.NEEDS_CHARS) for row in rows], BUILD)
