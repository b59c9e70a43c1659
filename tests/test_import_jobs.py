"""Uploads imported as background jobs: queued at once, followed, cancelled, retried."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from editions import jobs
from editions.importing.run import EDITIONS_PER_TRANSACTION
from editions.models import Article, Edition, ImportRun
from tests.factories import default_paper
from tests.rawpages import HEADLINES, raw_page

pytestmark = pytest.mark.django_db

URL = reverse("admin:editions_importrun_upload")
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def day_zip(days: int = 1, per_day: int = 3) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for offset in range(days):
            day = datetime.date(2024, 8, 1) + datetime.timedelta(days=offset)
            for position, title in enumerate(HEADLINES[:per_day], 1):
                archive.writestr(f"{day.isoformat()}/p2-{position}.txt", raw_page(title=title))
    return buffer.getvalue()


def upload_zip(client, upload, data: bytes, **options):
    return client.post(
        URL,
        {
            "paper": default_paper().pk,
            "archive": upload("days.zip", data),
            "publish": "on",
            **options,
        },
    )


def work_off_the_queue() -> int:
    """Run the queued tasks here, as a worker would (the real worker runs in its own
    process in the test at the end: in-process it would close the test's connection)."""
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    done = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        call = result.args_kwargs
        import_string(result.task_path).call(*call["args"], **call["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).delete()
        done += 1
    return done


@pytest.fixture
def queued(editor_client, upload, settings, django_capture_on_commit_callbacks):
    """An upload queued on the database backend, with no worker running yet."""
    settings.TASKS = DATABASE_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_zip(editor_client, upload, day_zip(days=2))
    run = ImportRun.objects.get()
    return response, run


def test_the_upload_answers_at_once_with_the_queued_run(queued):
    response, run = queued
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:editions_importrun_status", args=[run.pk])
    assert run.status == ImportRun.State.QUEUED
    assert not Edition.objects.exists()
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("run_import_job")
    assert task.args_kwargs["args"] == [run.pk]


def test_the_status_page_follows_the_job_and_offers_to_cancel(queued, editor_client):
    _response, run = queued
    page = editor_client.get(reverse("admin:editions_importrun_status", args=[run.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in content
    assert reverse("admin:editions_importrun_cancel", args=[run.pk]) in content


def test_a_worker_runs_the_queued_import(queued, editor_client):
    _response, run = queued
    assert work_off_the_queue() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.State.FINISHED
    assert (run.files, run.created, run.failed) == (6, 6, 0)
    assert Edition.objects.count() == 2
    assert [row[1] for row in run.results] == ["created"] * 6
    # The stored upload is cleaned away once imported.
    assert not default_storage.exists(run.options["stored"][0]["path"])
    page = editor_client.get(reverse("admin:editions_importrun_status", args=[run.pk]))
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_a_queued_import_can_be_cancelled_before_it_starts(queued, editor_client):
    _response, run = queued
    editor_client.post(reverse("admin:editions_importrun_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.State.CANCELLED
    work_off_the_queue()
    run.refresh_from_db()
    assert run.status == ImportRun.State.CANCELLED
    assert not Edition.objects.exists()


def test_a_running_import_stops_between_editions_when_cancelled(monkeypatch, paper):
    # Progress (and so a cancellation) is heard once a transaction's editions are written.
    per_transaction = EDITIONS_PER_TRANSACTION
    run = ImportRun.objects.create(
        source=ImportRun.Source.ADMIN, paper=paper, status=ImportRun.State.QUEUED
    )
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0)
    real_beat = jobs._Progress.beat

    def beat_and_cancel(progress):
        if progress.done == 3:  # the first editions are written: the editor cancels
            ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
        real_beat(progress)

    monkeypatch.setattr(jobs._Progress, "beat", beat_and_cancel)
    stored = [
        {
            "name": "days.zip",
            "path": default_storage.save(
                "imports/t/days.zip", io.BytesIO(day_zip(days=per_transaction + 2))
            ),
        }
    ]
    ImportRun.objects.filter(pk=run.pk).update(
        options={"stored": stored, "paper": paper.pk, "publish": True}
    )
    assert jobs.run_import_job.call(run.pk) == "cancelled"
    run.refresh_from_db()
    assert run.status == ImportRun.State.CANCELLED
    # Whole editions only: the first transaction's are complete, the others were not begun.
    assert Edition.objects.count() == per_transaction
    assert Article.objects.exclude(body="").count() == 3 * per_transaction


def test_an_upload_over_the_limits_is_refused_before_anything_is_stored(
    editor_client, upload, monkeypatch
):
    monkeypatch.setattr("editions.forms.MAX_MEMBER_BYTES", 100)
    response = editor_client.post(
        URL,
        {"paper": default_paper().pk, "files": [upload("big.txt", "字" * 200)], "publish": "on"},
    )
    assert response.status_code == 200
    assert "big.txt" in str(response.context["form"].non_field_errors())
    assert not ImportRun.objects.exists()


def test_the_whole_upload_has_a_limit_too(editor_client, upload, monkeypatch):
    monkeypatch.setattr("editions.forms.MAX_UPLOAD_BYTES", 1000)
    files = [upload(f"p2-{n}.txt", raw_page(title=HEADLINES[n - 1])) for n in (1, 2, 3)]
    response = editor_client.post(
        URL, {"paper": default_paper().pk, "files": files, "publish": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ImportRun.objects.exists()


# --- runs whose worker died ------------------------------------------------------------


def stale_run(**fields) -> ImportRun:
    long_ago = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return ImportRun.objects.create(
        status=ImportRun.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago, **fields
    )


def test_a_silent_upload_job_is_queued_again(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_BACKEND
    run = stale_run(source=ImportRun.Source.ADMIN, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.settle_stale_runs() == (1, 0)
    run.refresh_from_db()
    assert run.status == ImportRun.State.QUEUED
    assert "2 of 3" in run.note or "2" in run.note


def test_a_job_that_keeps_dying_is_given_up(db):
    run = stale_run(source=ImportRun.Source.ADMIN, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.settle_stale_runs() == (0, 1)
    run.refresh_from_db()
    assert run.status == ImportRun.State.FAILED
    assert run.finished_at is not None


def test_a_killed_command_leaves_a_failed_record_not_an_unfinished_one(db):
    run = stale_run(source=ImportRun.Source.COMMAND)
    live = ImportRun.objects.create(source=ImportRun.Source.COMMAND)  # just started
    assert jobs.settle_stale_runs() == (0, 1)
    run.refresh_from_db()
    live.refresh_from_db()
    assert run.status == ImportRun.State.FAILED
    assert live.status == ImportRun.State.RUNNING


def test_the_import_list_settles_stale_runs_when_looked_at(superuser_client):
    run = stale_run(source=ImportRun.Source.COMMAND)
    superuser_client.get(reverse("admin:editions_importrun_changelist"))
    run.refresh_from_db()
    assert run.status == ImportRun.State.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_whole_editions_and_the_retry_finishes(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a database server")
    settings.TASKS = DATABASE_BACKEND
    paper = default_paper()
    days = 40
    stored = [
        {
            "name": "days.zip",
            "path": default_storage.save("imports/kill/days.zip", io.BytesIO(day_zip(days=days))),
        }
    ]
    run = ImportRun.objects.create(
        source=ImportRun.Source.ADMIN,
        paper=paper,
        status=ImportRun.State.QUEUED,
        options={"stored": stored, "paper": paper.pk, "publish": True},
    )
    jobs.run_import_job.enqueue(run.pk)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_TASKS_BACKEND": "database",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == ImportRun.State.RUNNING and Edition.objects.count() >= 2:
                break
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    run.refresh_from_db()
    assert run.status == ImportRun.State.RUNNING  # as the killed worker left it
    written = Edition.objects.count()
    assert 0 < written < days
    # Every edition written is whole: three articles with their text.
    for edition in Edition.objects.all():
        assert Article.objects.filter(page__edition=edition).exclude(body="").count() == 3

    assert jobs.settle_stale_runs(seconds=0) == (1, 0)
    retry = subprocess.run(command, env=env, capture_output=True, timeout=300)
    assert retry.returncode == 0, retry.stderr.decode()[-2000:]
    run.refresh_from_db()
    assert run.status == ImportRun.State.FINISHED
    assert run.attempts == 2
    assert Edition.objects.count() == days
    assert Article.objects.count() == days * 3


def test_the_settle_command_reports_what_it_did(db):
    from django.core.management import call_command

    stale_run(source=ImportRun.Source.COMMAND)
    out = io.StringIO()
    call_command("settle_import_runs", stdout=out)
    assert out.getvalue().strip() == "0 queued again, 1 marked failed."
