"""Rebuilding the whole index beside the live one, then swapping it in.

Readers keep searching the live index while the new one is written under the
``_build`` suffix, in batches of articles by id, each batch committed: an
interrupted rebuild resumes after the last article it wrote. At the end, in one
transaction, what changed meanwhile is caught up (articles re-indexed in the live
index since the build began, articles deleted since) and the new tables take the
old ones' names. On SQLite this also drops the rows left behind by corrections,
and the old tables go only after the swap is committed.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import backends, store
from .documents import SOURCE_FIELDS, day_number, document
from .names import retire

BUILD = "_build"
#: Articles per segment a rebuild cuts. Fewer, larger segments are fewer posting rows
#: for a search to read (a rare word reads one per token and segment: 62 segments at a
#: million articles, not 123) and pack a tenth smaller; a worker cutting one peaks at
#: about 0.9 GB (half that at 8,192).
BATCH = 16384


#: Where a row of :data:`.documents.SOURCE_FIELDS` holds the edition's date.
_DATE = SOURCE_FIELDS.index("page__edition__date")


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
    batch_size: int = BATCH,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Build a new index and swap it in; returns how many articles it holds.

    ``on_start(done, remaining)`` is told where a resumed build stands;
    ``progress(n)`` is called after each batch of ``n`` articles. ``workers``: the
    processes that cut the postings (default: :func:`default_workers`), while this
    one reads the articles and writes what they cut; none for a build of one batch.
    """
    connection = connections[using]
    backend = backends.for_connection(connection)
    with connection.cursor() as cursor:
        backend.drop_old(cursor)  # left by a rebuild stopped right after its swap
        if restart:
            backend.drop_schema(cursor, BUILD)
        if not backend.table_exists(cursor, backend.ENTRY + BUILD):
            with transaction.atomic(using=using):
                # What is queued now, the build reads after this: the queue's work is
                # done by the build. (A resumed build keeps what was queued since.)
                cursor.execute(f"DELETE FROM {backend.PENDING}")
                backend.create_schema(cursor, BUILD)
        cursor.execute(
            f"SELECT coalesce(max(article_id), 0), count(article_id), min(indexed_at) "
            f"FROM {backend.ENTRY}{BUILD}"
        )
        last, done, started = cursor.fetchone()
    started = started or time.time()
    remaining = articles_to_index(using, last)
    if on_start:
        on_start(done, remaining)
    if workers is None:
        workers = default_workers(batch_size) if remaining > batch_size else 0
    with connection.cursor() as cursor:
        numbers = store.Numbers(cursor, backend, BUILD)
        batches = (
            ([numbers.take(day_number(row[_DATE])) for row in rows], rows)
            for rows in _batches(using, last, batch_size)
        )
        for numbered, cut in _cut_in_parallel(batches, workers):
            with transaction.atomic(using=using):
                store.insert(cursor, backend, numbered, cut, BUILD)
            numbers.given.difference_update(number for number, _ in numbered)
            done += len(numbered)
            if progress:
                progress(len(numbered))
    with connection.cursor() as cursor:
        backend.analyze(cursor, BUILD)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        backend.lock_writes(cursor)
        _catch_up(cursor, backend, using, started)
        backend.swap_in(cursor, BUILD)
        cursor.execute(f"SELECT count(article_id) FROM {backend.ENTRY}")
        total = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        backend.drop_old(cursor)
    return total


#: What a worker cutting a batch holds at its peak, per article of the batch (0.9 GB for
#: 16,384 articles of about 900 characters), with the batches waiting for it.
WORKER_BYTES_PER_ARTICLE = 70_000


def default_workers(batch_size: int) -> int:
    """One worker per core, as many as half the memory now available can hold (a
    worker keeps its peak: :func:`_keep_freed_memory`), and at least one."""
    cores = os.cpu_count() or 1
    available = _available_memory()
    if available is None:
        return cores
    return max(1, min(cores, available // 2 // (WORKER_BYTES_PER_ARTICLE * batch_size)))


def _available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux's estimate), if known."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cut_in_parallel(
    jobs: Iterator[tuple[list[int], list[tuple]]], workers: int
) -> Iterator[tuple[list, list]]:
    """``store.cut`` of each job, in order, by ``workers`` processes (here, for none),
    with at most two jobs a worker under way, so memory stays flat."""
    if not workers:
        yield from map(store.cut, jobs)
        return
    # Spawned, not forked: a fork would copy this process's database connections
    # and threads (a progress bar's) into the workers.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_keep_freed_memory) as pool:
        waiting: deque = deque()
        for job in jobs:
            waiting.append(pool.submit(store.cut, job))
            if len(waiting) > 2 * workers:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


#: glibc's ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4


def _keep_freed_memory() -> None:
    """A worker cuts batch after batch of the same size. By default glibc maps each
    batch's large arrays afresh, gives them back to the kernel when they are freed,
    and the next batch faults them in again page by page: a fifth of a worker's time,
    all of it in the kernel. Told to take every array from its heap and never to trim
    it, a worker reuses the same memory batch after batch (its peak is the same).
    Elsewhere than glibc, nothing changes."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_MAX, 0)
        libc.mallopt(_M_TRIM_THRESHOLD, 2**30)
    except (OSError, AttributeError):
        pass


def _catch_up(cursor, backend, using: str, started: float) -> None:
    """Bring the new index up to what changed in the live one since ``started``."""
    from editions.models import Article

    table = backend.ENTRY + BUILD
    cursor.execute(
        retire(table) + " WHERE article_id IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {Article._meta.db_table} a WHERE a.id = {table}.article_id)"
    )
    cursor.execute(
        f"SELECT article_id FROM {backend.ENTRY} WHERE indexed_at >= %s AND article_id IS NOT NULL",
        [started],
    )
    changed = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(changed), 1000):
        chunk = changed[start : start + 1000]
        rows = Article.objects.using(using).filter(pk__in=chunk).values_list(*SOURCE_FIELDS)
        store.write(cursor, backend, [document(row) for row in rows], BUILD)
    store.merge_small(cursor, backend, BUILD)
