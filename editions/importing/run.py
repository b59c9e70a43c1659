"""One import run: a stream of raw files in, a report out, an ImportRun kept.

Both ``manage.py import_pages`` and the admin's upload form call
:func:`pages_import`; neither has import logic of its own. The caller may pass the
:class:`~editions.models.ImportRun` it owns (a background job creates it first and
shows it while the import runs); without one, the run is recorded here.

Files are parsed first (pure, no database), then written in batches, one batch per
edition (consecutive files of the same date), several consecutive editions in one
transaction. A file that cannot be read or parsed is reported and written nowhere.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import threading
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from ..models import ImportRun, Paper
from ..parsing import PAGE_VIEW, PageParseError
from ..printed.tasks import queue_changed_since
from ..sources import RawFile
from . import prepare as prepare_module
from .batch import BatchWriter
from .checkpoints import Checkpointer
from .files import FileWriter, PageLink
from .media import IMAGE, PDF, resolve
from .prepare import ImportFileError, Item, PaperFinder, one_line
from .report import FileResult, ImportReport, Status

#: Files written in one transaction at most; bounds memory and lock time on huge editions.
BATCH_SIZE = 500
#: Editions written in one transaction at most (a commit and the editions' lookup cost
#: as much as a small edition's rows): a kill still leaves whole editions, and the
#: progress a job reports moves every few editions.
EDITIONS_PER_TRANSACTION = 8


def new_run(
    *,
    source: str = ImportRun.Source.COMMAND,
    user=None,
    paper: Paper | None = None,
    label: str = "",
    dry_run: bool = False,
    options: dict | None = None,
) -> ImportRun:
    """The ImportRun a caller creates before importing (and may show while it runs)."""
    user = user if getattr(user, "pk", None) else None  # AnonymousUser, or none at all
    return ImportRun.objects.create(
        source=source, user=user, paper=paper, paths=label, dry_run=dry_run, options=options or {}
    )


def run_options(*, date, edition_code: str, publish: bool, overwrite: bool) -> dict:
    """The options an ImportRun records, the same whoever creates the run."""
    return {
        "date": date.isoformat() if date else None,
        "edition": edition_code,
        "publish": publish,
        "overwrite": overwrite,
    }


def pages_import(
    sources: Iterable[RawFile],
    *,
    paper: Paper | None = None,
    edition_code: str = "",
    edition_name: str = "",
    date: datetime.date | None = None,
    dry_run: bool = False,
    publish: bool = True,
    overwrite: bool = False,
    source: str = ImportRun.Source.COMMAND,
    user=None,
    label: str = "",
    on_result: Callable[[FileResult], None] | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Import raw page files; returns the per-file report and records it on ``run``.

    ``paper`` is the paper every file goes to; without it each file's paper is
    found by :class:`PaperFinder`. ``edition_code`` and ``edition_name`` import
    into another edition of the day (a 号外) instead of the regular one.
    ``publish`` sets the published state of editions this import creates; an
    existing edition keeps the state an editor gave it. With ``dry_run`` every
    file is parsed and written inside a transaction that is rolled back, so the
    report says exactly what a real run would do. ``run`` is the caller's
    ImportRun; without it one is created from ``source``, ``user`` and ``label``.
    """
    report = ImportReport(dry_run=dry_run)
    user = user if getattr(user, "pk", None) else None
    if run is None:
        run = new_run(
            source=source,
            user=user,
            paper=paper,
            label=label,
            dry_run=dry_run,
            options=run_options(
                date=date, edition_code=edition_code, publish=publish, overwrite=overwrite
            ),
        )
    find_paper = PaperFinder(paper)
    papers_seen: set[int] = set()

    def record(result: FileResult) -> None:
        report.add(result)
        if on_result:
            on_result(result)

    writer = BatchWriter(
        publish=publish,
        overwrite=overwrite,
        dry_run=dry_run,
        user=user,
        edition_code=edition_code,
        edition_name=edition_name,
    )
    files = FileWriter(writer, find_paper, date)
    #: The next transaction's editions, each a list of its files (consecutive ones).
    batches: list[list[Item]] = []
    gathered = 0

    def flush() -> None:
        nonlocal batches, gathered
        if batches:
            results = writer.write(batches)
            batches, gathered = [], 0
            forget_queries()
            for result in results:
                record(result)
            files.link_photos(writer.photo_links)
            writer.photo_links.clear()

    def gather(item: Item) -> None:
        nonlocal gathered
        if gathered >= BATCH_SIZE:
            flush()
        if batches and item.edition_key == batches[-1][0].edition_key:
            batches[-1].append(item)
        else:
            if len(batches) >= EDITIONS_PER_TRANSACTION:
                flush()
            batches.append([item])
        gathered += 1

    with _import_settings(), _old_objects_left_alone():
        for raw in sources:
            if raw.is_media:
                flush()  # the pages and photos it may belong to exist first
                record(files.write(raw))
                forget_queries()
                continue
            try:
                item = prepare_module.prepare(raw, date, find_paper)
            except (PageParseError, ImportFileError) as exc:
                record(FileResult(raw.name, Status.FAILED, str(exc)))
                continue
            except Exception as exc:  # one bad file must not end the run
                detail = f"unexpected error ({type(exc).__name__}: {exc})"
                record(FileResult(raw.name, Status.FAILED, one_line(detail)))
                continue
            papers_seen.add(item.paper.pk)
            report.photos += len(item.parsed.photos)
            if item.parsed.kind == PAGE_VIEW:
                _link_files(files, item)
            gather(item)
        flush()
    if not dry_run:  # display sizes, thumbnails, regions of the pages it touched: jobs
        queue_changed_since(run.started_at)

    finish(run, report, papers_seen)
    return report


def _link_files(files: FileWriter, item: Item) -> None:
    """Remember which page the page view's image and PDF are, for when they come by."""
    parsed = item.parsed
    for link, kind in ((parsed.image, IMAGE), (parsed.pdf, PDF)):
        if link:
            files.link_page(
                resolve(link, item.name),
                PageLink(item.paper, item.date, parsed.page_number, parsed.page_label, kind),
            )


#: WAL pages SQLite lets pile up during an import before it copies them into the
#: database (its default is 1,000: 4 MiB). Each copy waits for the disk twice, and a
#: year of archives writes gigabytes: 64 MiB at a time is a sixteenth of the waits.
#: With a database file in WAL mode a thread copies them instead (.checkpoints), and
#: the commits only do when four times as many pile up.
IMPORT_WAL_CHECKPOINT_PAGES = 16384
#: SQLite's page cache of the import's connection while it runs, in KiB (its default
#: is 2 MiB). A transaction's rows (a few hundred articles with their imported copies
#: and history: about 10 MiB) would not fit: the cache spills them into the WAL before
#: the commit, and the history rows' INSERT … SELECT reads them back from there.
IMPORT_SQLITE_CACHE_KIB = 32768
#: PostgreSQL settings of an import's session (restored after it): commits that do
#: not wait for the disk, and lz4 for the long texts TOAST compresses (a body, its
#: imported copy and its history: pglz takes half of COPY's time on them).
IMPORT_POSTGRES_SETTINGS = {"synchronous_commit": "off", "default_toast_compression": "lz4"}


@contextlib.contextmanager
def _import_settings():
    """The database tuned for a long run of bulk writes while the import runs.

    Nothing is less safe for it. A batch is one transaction either way; what changes
    is when the disk hears of it: on SQLite the copy of the WAL into the database
    waits for more commits (or is made beside the import, by a thread of its own with
    a connection of its own), on PostgreSQL a commit returns before its WAL is on disk
    (as SQLite's WAL with synchronous=NORMAL always does). The run's own record is
    written after the settings are restored, so its commit waits for the disk, and
    WAL order makes every batch before it durable with it; a crash before leaves the
    run unfinished (then stale), and importing again writes what was lost.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    checkpointer = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            before = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size")
            cache = int(cursor.fetchone()[0])  # pages, or KiB when negative
            cursor.execute("PRAGMA page_size")
            kib = -cache if cache < 0 else cache * int(cursor.fetchone()[0]) // 1024
            pages = max(before, IMPORT_WAL_CHECKPOINT_PAGES)
            if (path := _wal_file(cursor)) is not None:
                # A thread copies the WAL meanwhile (see .checkpoints); a commit
                # checkpoints only if it falls far behind.
                checkpointer = Checkpointer(path)
                pages *= 4
            cursor.execute(f"PRAGMA wal_autocheckpoint = {pages}")
            cursor.execute(f"PRAGMA cache_size = {-max(kib, IMPORT_SQLITE_CACHE_KIB)}")
        restore = [f"PRAGMA wal_autocheckpoint = {before}", f"PRAGMA cache_size = {cache}"]
        params: list = [(), ()]
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, setting, enumvals FROM pg_settings WHERE name = ANY(%s)",
                [list(IMPORT_POSTGRES_SETTINGS)],
            )
            before = {name: (setting, choices) for name, setting, choices in cursor.fetchall()}
            restore, params = [], []
            for name, value in IMPORT_POSTGRES_SETTINGS.items():
                if name in before and (before[name][1] is None or value in before[name][1]):
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
                    restore.append("SELECT set_config(%s, %s, false)")
                    params.append([name, before[name][0]])
    else:
        restore, params = [], []
    if checkpointer is not None:
        checkpointer.start()
    try:
        yield
    finally:
        if checkpointer is not None:
            checkpointer.stop()
        try:
            with connection.cursor() as cursor:
                for sql, values in zip(restore, params, strict=True):
                    cursor.execute(sql, values or None)
        except DatabaseError:  # the caller's transaction failed: its rollback restores them
            pass


def _wal_file(cursor) -> str | None:
    """The SQLite database's file when it is in WAL mode (not an in-memory one)."""
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0].lower() != "wal":
        return None
    cursor.execute("PRAGMA database_list")
    return next((row[2] for row in cursor.fetchall() if row[1] == "main" and row[2]), None)


#: Container objects the run may allocate (net) before the collector looks at the
#: youngest ones (Python's default is 700). A transaction's files keep their parsed
#: pages and rows until its commit, so every look at 700 found them alive and moved
#: them on to the older generations' walks: a year of archives spent 0.4 s of CPU
#: there. At this many a look comes about once per transaction, and garbage in cycles
#: (an HTML page's parse tree) still waits for no more than this many objects.
IMPORT_GC_THRESHOLD = 20_000
#: Imports running in this process (a worker's threads): the first one in tunes the
#: collector, the last one out restores the thresholds it found.
_gc_lock = threading.Lock()
_gc_runs = 0
_gc_threshold: tuple[int, int, int] = (700, 10, 10)


@contextlib.contextmanager
def _old_objects_left_alone():
    """The garbage collector skips what the process held before the run, and looks less
    often at what the run makes, while it runs.

    A run makes and drops rows and parsed pages by the hundred thousand, and every
    so often the collector walks everything alive: Django's and the libraries' own
    objects are most of it, and none of them is garbage made by the run. Frozen (see
    :func:`gc.freeze`), they are left out of those walks until the run is over; what
    the run itself makes is collected as before, every :data:`IMPORT_GC_THRESHOLD`
    objects instead of 700. Both are the process's settings: the first of concurrent
    runs changes them, the last one restores them.
    """
    global _gc_runs, _gc_threshold
    with _gc_lock:
        if not _gc_runs:
            _gc_threshold = gc.get_threshold()
            gc.freeze()
            first, *older = _gc_threshold
            if first:  # 0: collection is off, and stays off
                gc.set_threshold(max(first, IMPORT_GC_THRESHOLD), *older)
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if not _gc_runs:
                gc.set_threshold(*_gc_threshold)
                gc.unfreeze()


def forget_queries() -> None:
    """Empty the query log that DEBUG keeps, unless someone is reading it.

    With ``DEBUG`` on, every connection keeps the last 9,000 queries with their SQL;
    an import's bulk inserts carry whole article bodies, so that log alone would hold
    hundreds of megabytes. A test capturing queries (``force_debug_cursor``) keeps it.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.force_debug_cursor:
            connection.queries_log.clear()


def finish(run: ImportRun, report: ImportReport, papers_seen: set[int]) -> None:
    """Write the report's counts on the run and attach it to the report."""
    if run.paper_id is None and len(papers_seen) == 1:
        run.paper_id = papers_seen.pop()
    run.finished_at = timezone.now()
    run.files = report.files
    for status in Status:
        setattr(run, status.value, report.counts[status])
    run.failures = report.failures
    run.save()
    report.run = run
