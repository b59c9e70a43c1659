"""Keeping the index in step with the articles.

Database triggers (made by the migration) queue every article whose text is
written, however it is written: ``save()``, the importer's ``bulk_create`` and
``bulk_update``, a queryset ``update()``, SQL by hand. They also take a deleted
article out of the index at once. Tokenising needs Python (the table of traditional
and simplified characters), so the queue is drained here, by :func:`search_index_flush`:

* after an editor's save, a revert or a restore (``post_save`` of the article:
  the correction is searchable the moment it is saved);
* after every import, by a background job its end queues (``post_save`` of its
  ``ImportRun``; :mod:`.tasks`);
* by ``manage.py rebuild_search_index --pending``, for writes made outside both.

An edition saved with a new date gives its articles the keys of that date
(``post_save`` of the edition).

Publishing and withdrawing need nothing: what readers may see is decided at query
time by ``Article.objects.published()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import backends, store
from .documents import DAY_BITS, SOURCE_FIELDS, Document, day_number, document

FLUSH_BATCH = 1000
#: A write of this few articles (an editor's save) merges only the smallest segments;
#: the rest wait for the next import's job.
SMALL_WRITE = 50


def documents_for(article_ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> list[Document]:
    from editions.models import Article

    rows = Article.objects.using(using).filter(pk__in=article_ids).values_list(*SOURCE_FIELDS)
    return [document(row) for row in rows]


def search_index_update(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Index these articles now (those that no longer exist leave the index).

    Returns how many documents were rewritten (unchanged text is not).
    """
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    connection = connections[using]
    backend = backends.for_connection(connection)
    written = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The queue's rows first, then the index's writers' lock: a transaction that
        # queued these articles (an import's, whose triggers hold their queue rows)
        # may be waiting for that lock, so its holder must never wait for queue rows.
        for start in range(0, len(ids), FLUSH_BATCH):
            backend.clear_pending(cursor, ids[start : start + FLUSH_BATCH])
        backend.lock_writes(cursor)
        for start in range(0, len(ids), FLUSH_BATCH):
            chunk = ids[start : start + FLUSH_BATCH]
            docs = documents_for(chunk, using=using)
            found = {doc.article_id for doc in docs}
            written += store.write(cursor, backend, docs)
            missing = [i for i in chunk if i not in found]
            if missing:
                store.remove(cursor, backend, missing)
        if written:
            below = 64 if len(ids) <= SMALL_WRITE else store.MERGE_BELOW
            store.merge_small(cursor, backend, below=below)
    return written


def search_index_remove(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Take these articles out of the index (the delete trigger does it for deletes)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    connection = connections[using]
    backend = backends.for_connection(connection)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        backend.clear_pending(cursor, ids)  # first: see search_index_update
        backend.lock_writes(cursor)
        store.remove(cursor, backend, ids)


def search_index_flush(*, limit: int | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Index the queued articles (at most ``limit``); returns how many were taken."""
    connection = connections[using]
    backend = backends.for_connection(connection)
    taken = 0
    while limit is None or taken < limit:
        size = FLUSH_BATCH if limit is None else min(FLUSH_BATCH, limit - taken)
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                ids = backend.take_pending(cursor, size)
            if not ids:
                break
            search_index_update(ids, using=using)
        taken += len(ids)
    return taken


def pending_count(*, using: str = DEFAULT_DB_ALIAS) -> int:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {backends.for_connection(connection).PENDING}")
        return cursor.fetchone()[0]


def has_pending(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {backends.for_connection(connection).PENDING} LIMIT 1")
        return cursor.fetchone() is not None


def search_index_redate(edition_id: int, day, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give the articles of an edition whose date changed the keys of their new date."""
    connection = connections[using]
    backend = backends.for_connection(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM {backend.ENTRY} "
            f"WHERE edition_id = %s AND (docno >> {DAY_BITS}) <> %s AND article_id IS NOT NULL",
            [edition_id, day_number(day)],
        )
        stale = [row[0] for row in cursor.fetchall()]
    return search_index_update(stale, using=using) if stale else 0


def install_triggers(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Put the queue's triggers back if a migration dropped them; False before the
    index's own migration has run."""
    connection = connections[using]
    backend = backends.for_connection(connection)
    with connection.cursor() as cursor:
        if not backend.table_exists(cursor, backend.PENDING):
            return False
        backend.install_triggers(cursor)
    return True
