"""An import's pages are rendered by background jobs, whole editions per job."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from editions.models import Edition, Page, Region
from editions.printed import tasks
from tests.test_import_jobs import DATABASE_BACKEND, work_off_the_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings, demo_dir):
    """The demo imported with a real queue: its pages' rendering waits for a worker."""
    settings.TASKS = DATABASE_BACKEND
    call_command("create_paper", "ljwb", "临江晚报", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return Edition.objects.get(paper__code="ljrb", date="2024-08-02")


def test_the_import_returns_before_the_pages_are_made_and_a_worker_makes_them(queued):
    printed = list(Page.objects.exclude(image="", pdf=""))
    assert len(printed) == 11  # 2024-07-31's three pages and 2024-08-02's eight
    assert not any((page.printed or {}).get("thumb") for page in printed)
    assert not Region.objects.filter(page__edition=queued).exists()  # none detected yet
    jobs = list(DBTaskResult.objects.ready().filter(task_path__endswith="render_pages_job"))
    assert {job.task_path for job in jobs} == {"editions.printed.tasks.render_pages_job"}
    assert sorted(i for job in jobs for i in job.args_kwargs["args"][0]) == sorted(
        page.pk for page in printed
    )

    assert work_off_the_queue() == len(jobs) + 1  # and the search index's (test_search_jobs)
    for page in Page.objects.exclude(image="", pdf=""):
        assert page.printed.get("thumb"), page
    assert (
        Region.objects.filter(page__edition=queued).count() == 27
    )  # every article, and the two continued parts


def test_jobs_hold_whole_editions(queued, monkeypatch):
    DBTaskResult.objects.all().delete()
    monkeypatch.setattr(tasks, "PAGES_PER_JOB", 2)
    Edition.objects.update(updated_at=queued.updated_at)
    assert tasks.queue_changed_since(queued.updated_at) == 11
    by_job = [job.args_kwargs["args"][0] for job in DBTaskResult.objects.order_by("enqueued_at")]
    editions = [
        set(Page.objects.filter(pk__in=ids).values_list("edition", flat=True)) for ids in by_job
    ]
    assert sorted(len(ids) for ids in by_job) == [3, 8]  # over the size, but never split
    assert all(len(e) == 1 for e in editions)
    monkeypatch.setattr(tasks, "PAGES_PER_JOB", 120)
    DBTaskResult.objects.all().delete()
    assert tasks.queue_changed_since(queued.updated_at) == 11
    assert DBTaskResult.objects.count() == 1  # small editions share a job
