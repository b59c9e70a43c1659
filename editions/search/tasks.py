"""Indexing what an import wrote, as a background job.

The importer writes rows in bulk and the database triggers queue every article it
wrote (:mod:`.indexing`). Tokenising and writing the index costs more than the
rows themselves (a few hundred microseconds an article, a year of a
12-page daily some fifteen seconds), so the import does not wait for it: at its
end it queues this job, and a worker (``manage.py db_worker``) drains the queue.
The queue is a table, not the job: a worker killed mid-flush loses nothing (each
batch commits with its queue rows deleted), and the next job, or
``manage.py rebuild_search_index --pending``, takes up what is left. Several jobs
at once are safe too: each takes rows the others have not (on PostgreSQL with
``SKIP LOCKED``; SQLite has one writer).

An editor's correction does not wait for a worker: it is indexed as it is saved
(:mod:`.signals`). With ``DJANGO_TASKS_BACKEND=immediate`` (the tests) the job runs
as it is queued, so an import's articles are searchable when it returns.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django_tasks import task

from .indexing import search_index_flush


@task()
def search_index_job(using: str = DEFAULT_DB_ALIAS) -> int:
    """Index every queued article; how many were taken."""
    return search_index_flush(using=using)
