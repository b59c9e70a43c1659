"""Rendering what an import touched as background jobs.

Display sizes, thumbnails, detected regions and the edition PDF take about a third
of a second a page: a year of a 12-page daily is twenty minutes, which an import
of years would otherwise spend inline, on one core, before it could report. So
the importer queues the pages it touched, whole editions per job, and the workers
(``manage.py db_worker``, on as many nodes as there are) make them, as
``manage.py render_pages`` would. Until then a page shows its original image and
no detected hotspots; with ``DJANGO_TASKS_BACKEND=immediate`` (the tests) a job
runs as it is queued.
"""

from __future__ import annotations

from django_tasks import task

from ..models import Page
from .render import render_pages_for

#: Pages per job, in whole editions: small enough for several workers to share an
#: import, large enough that queueing stays cheap (a year is a few dozen jobs).
PAGES_PER_JOB = 120


@task()
def render_pages_job(page_ids: list[int]) -> int:
    """Make what is missing for these pages and their editions; how many were made."""
    pages = Page.objects.filter(pk__in=page_ids).order_by("edition_id", "number")
    return render_pages_for(list(pages))


def queue_changed_since(when) -> int:
    """Queue the pages with an image or a PDF of every edition changed since ``when``
    (an import's start: it touched each edition it wrote into); how many pages."""
    rows = (
        Page.objects.filter(edition__updated_at__gte=when)
        .exclude(image="", pdf="")
        .order_by("edition_id", "number")
        .values_list("edition_id", "pk")
    )
    chunk: list[int] = []
    queued, edition = 0, None
    for edition_id, page_id in rows:
        if edition_id != edition and len(chunk) >= PAGES_PER_JOB:
            render_pages_job.enqueue(chunk)
            queued, chunk = queued + len(chunk), []
        edition = edition_id
        chunk.append(page_id)
    if chunk:
        render_pages_job.enqueue(chunk)
        queued += len(chunk)
    return queued
