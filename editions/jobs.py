"""Imports as background jobs: an upload is stored, queued, and run by a worker.

The admin's upload page must answer at once: a day's zip can take longer than a
web worker's timeout, and an import cut off inside a request left an edition
half-written and its record unfinished. So the upload view stores the files
(through ``default_storage``: the filesystem, or the object store shared by
every node), creates the :class:`~editions.models.ImportRun` in state *queued*
and enqueues :func:`run_import_job` on the task backend (django-tasks; the
database backend needs no extra server on SQLite or PostgreSQL). A worker
(``manage.py db_worker``) runs it with the same :func:`pages_import` the
command uses, owning the run: it reports progress (files done, failures so far,
a heartbeat) on the record, stops between two editions when an editor cancels,
and marks the run finished, cancelled or failed.

A worker killed mid-job (``kill -9``, a restart) leaves the editions it
finished complete and the one it was writing untouched, since each edition is
one transaction; its run falls silent and :func:`settle_stale_runs` queues it
again (the import is idempotent, so a retry redoes only what was missing), or
marks it failed after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .importing import FileResult, Status, pages_import
from .models import ImportRun, Paper
from .sources import iter_uploaded_sources, printable

logger = logging.getLogger(__name__)

#: Where uploads wait for their job, in the default storage.
UPLOAD_PREFIX = "imports"
#: A running job writes a heartbeat at least this often (seconds)...
HEARTBEAT_SECONDS = 2
#: ...and one silent for this long is taken for dead.
STALE_SECONDS = 300
#: Runs given up after this many starts (the first and the retries).
MAX_ATTEMPTS = 3
#: Per-file results kept on the run for the upload's report.
MAX_RESULTS = 2000


class ImportCancelled(Exception):
    """An editor asked the running import to stop."""


# --- the upload side ---------------------------------------------------------------


def store_uploads(run: ImportRun, uploads: Iterable) -> list[dict[str, str]]:
    """Save the uploaded files where a worker on any node can read them.

    Returns ``[{"name": as uploaded, "path": in storage}]``; Django streams each
    upload to the storage in chunks, never holding it whole.
    """
    stored = []
    for index, upload in enumerate(uploads):
        name = printable(upload.name)
        safe = PurePosixPath(name.replace("\\", "/")).name or "upload"
        path = default_storage.save(f"{UPLOAD_PREFIX}/{run.pk}/{index:04d}-{safe}", upload)
        stored.append({"name": name, "path": path})
    return stored


def queue_import(run: ImportRun) -> None:
    """Enqueue the run's job once the transaction that created the run has committed."""
    run_id = run.pk
    transaction.on_commit(lambda: run_import_job.enqueue(run_id))


def request_cancel(run: ImportRun) -> None:
    """Stop a queued run now, or a running one between two editions."""
    if run.status == ImportRun.State.QUEUED:
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.State.QUEUED).update(
            status=ImportRun.State.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            note=_("Cancelled before it started."),
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)


# --- the worker side ---------------------------------------------------------------


class _Progress:
    """The callback a job hands to ``pages_import``: counts, heartbeat, cancellation."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.results: list[list[str]] = []
        self.done = 0
        self.failures: list[str] = []
        self.last = 0.0

    def __call__(self, result: FileResult) -> None:
        self.done += 1
        status = result.status.value if isinstance(result.status, Status) else result.status
        if len(self.results) < MAX_RESULTS:
            self.results.append([result.name, status, result.detail])
        if status == Status.FAILED.value:
            self.failures.append(f"{result.name}: {result.detail}")
        now = time.monotonic()
        if now - self.last >= HEARTBEAT_SECONDS:
            self.last = now
            self.beat()

    def beat(self) -> None:
        updated = ImportRun.objects.filter(pk=self.run.pk).update(
            heartbeat_at=timezone.now(),
            files=self.done,
            failed=len(self.failures),
            failures=self.failures[-MAX_RESULTS:],
        )
        cancelled = ImportRun.objects.filter(pk=self.run.pk, cancel_requested=True).exists()
        if not updated or cancelled:
            raise ImportCancelled


@task()
def run_import_job(run_id: int) -> str:
    """Import the files stored for an upload's run (see the module's docstring)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != ImportRun.State.QUEUED:
            return "skipped"  # cancelled meanwhile, or already taken
        run.status = ImportRun.State.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.heartbeat_at = run.started_at
        run.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    progress = _Progress(run)
    options = run.options or {}
    try:
        report = pages_import(
            iter_uploaded_sources(_stored_files(options.get("stored", []))),
            paper=run.paper or _paper(options.get("paper")),
            date=_date(options.get("date")),
            dry_run=run.dry_run,
            publish=options.get("publish", True),
            overwrite=options.get("overwrite", False),
            user=run.user,
            on_result=progress,
            run=run,
        )
    except ImportCancelled:
        _close(run, progress, ImportRun.State.CANCELLED, _("Cancelled by an editor."))
        return "cancelled"
    except Exception as exc:
        logger.exception("import run %s failed", run_id)
        _close(run, progress, ImportRun.State.FAILED, f"{type(exc).__name__}: {exc}"[:300])
        raise
    run.results = progress.results
    run.save(update_fields=["results"])
    _discard(options.get("stored", []))
    return report.summary()


def _close(run: ImportRun, progress: _Progress, state: str, note: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=state,
        note=note,
        finished_at=timezone.now(),
        files=progress.done,
        failed=len(progress.failures),
        failures=progress.failures,
        results=progress.results,
    )
    if state == ImportRun.State.CANCELLED:
        _discard((run.options or {}).get("stored", []))


def _stored_files(stored: list[dict[str, str]]):
    for entry in stored:
        try:
            handle = default_storage.open(entry["path"], "rb")
        except OSError as exc:
            logger.warning("stored upload %s is gone: %s", entry["path"], exc)
            continue
        yield File(handle, name=entry["name"])


def _discard(stored: list[dict[str, str]]) -> None:
    for entry in stored:
        with contextlib.suppress(OSError):  # already gone: nothing to clean
            default_storage.delete(entry["path"])


def _paper(pk) -> Paper | None:
    return Paper.objects.filter(pk=pk).first() if pk else None


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


# --- runs whose worker died ----------------------------------------------------------


def settle_stale_runs(seconds: int = STALE_SECONDS) -> tuple[int, int]:
    """Queue again (or give up) the runs whose worker fell silent; returns (retried, failed).

    Cheap (one indexed query when nothing is stale), so the admin calls it when
    the import records are looked at, and a timer may call it with
    ``manage.py settle_import_runs``.
    """
    retried = failed = 0
    for run in ImportRun.objects.stale(seconds).filter(source=ImportRun.Source.ADMIN):
        if run.attempts < MAX_ATTEMPTS and not run.cancel_requested:
            moved = ImportRun.objects.filter(pk=run.pk, status=ImportRun.State.RUNNING).update(
                status=ImportRun.State.QUEUED,
                note=_("Its worker stopped; queued again (attempt %(next)d of %(max)d).")
                % {"next": run.attempts + 1, "max": MAX_ATTEMPTS},
            )
            if moved:
                queue_import(run)
                retried += 1
            continue
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.State.RUNNING).update(
            status=ImportRun.State.FAILED,
            finished_at=timezone.now(),
            note=_("Its worker stopped and it was not retried again."),
        )
        failed += 1
    # A command's run cannot be restarted from here: it is over once its process is.
    failed += (
        ImportRun.objects.stale(seconds)
        .filter(source=ImportRun.Source.COMMAND)
        .update(
            status=ImportRun.State.FAILED,
            finished_at=timezone.now(),
            note=_("The import_pages process stopped before it finished."),
        )
    )
    return retried, failed
