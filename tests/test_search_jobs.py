"""An import's articles are indexed by a background job, not while the import waits."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from editions.models import Article, ImportRun
from editions.search import indexing
from editions.search.indexing import pending_count
from tests.test_import_jobs import DATABASE_BACKEND, work_off_the_queue

pytestmark = pytest.mark.django_db

SEARCH_JOB = "editions.search.tasks.search_index_job"


def found(q: str) -> set[int]:
    return set(Article.objects.search(q).values_list("pk", flat=True))


def search_jobs() -> int:
    return DBTaskResult.objects.ready().filter(task_path=SEARCH_JOB).count()


@pytest.fixture
def queued(settings, demo_dir):
    """The demo imported with a real queue: its index waits for a worker."""
    settings.TASKS = DATABASE_BACKEND
    call_command("create_paper", "ljwb", "临江晚报", verbosity=0)
    call_command("import_pages", str(demo_dir), verbosity=0)
    return demo_dir


def test_the_import_returns_before_its_articles_are_indexed_and_a_worker_indexes_them(queued):
    articles = Article.objects.count()
    assert articles > 50
    assert pending_count() == articles
    assert found("公交") == set()  # not yet
    assert search_jobs() == 1  # one for the run, not one per batch or edition

    work_off_the_queue()
    assert pending_count() == 0
    titled = Article.objects.filter(title__contains="公交").values_list("pk", flat=True)
    assert titled
    assert set(titled) <= found("公交")


def test_a_run_that_changed_nothing_queues_no_job(queued, demo_dir):
    work_off_the_queue()
    call_command("import_pages", str(demo_dir), verbosity=0)
    assert ImportRun.objects.count() == 2
    assert search_jobs() == 0
    call_command("import_pages", "--dry-run", str(demo_dir), verbosity=0)
    assert search_jobs() == 0


def test_a_worker_killed_mid_flush_leaves_the_rest_queued_for_the_next_job(queued, monkeypatch):
    monkeypatch.setattr(indexing, "FLUSH_BATCH", 10)
    real, calls = indexing.search_index_update, []

    def dies_on_the_third_batch(ids, **kwargs):
        calls.append(len(ids))
        if len(calls) == 3:
            raise SystemExit("killed")  # as a worker's process ends: mid-job
        return real(ids, **kwargs)

    monkeypatch.setattr(indexing, "search_index_update", dies_on_the_third_batch)
    before = pending_count()
    with pytest.raises(SystemExit):
        work_off_the_queue()
    assert pending_count() == before - 20  # two batches committed, the third rolled back

    monkeypatch.setattr(indexing, "search_index_update", real)
    call_command("rebuild_search_index", "--pending", verbosity=0)  # or the next job
    assert pending_count() == 0
    assert found("公交")


def test_an_editors_correction_does_not_wait_for_a_worker(queued):
    work_off_the_queue()
    article = Article.objects.filter(page__edition__date="2024-08-02").first()
    article.body = "更正后的正文提到了春耕备耕"
    article.save()
    assert search_jobs() == 0
    assert found("春耕备耕") == {article.pk}
