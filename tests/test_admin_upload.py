"""The upload page: raw pages from an editor's computer, through the importer service."""

import datetime

import pytest
from django.urls import reverse

from editions import services
from editions.models import Article, Edition, ImportRun
from tests.factories import default_paper
from tests.rawpages import HEADLINES, raw_page

URL = reverse("admin:editions_importrun_upload")
DAY = datetime.date(2024, 8, 2)


def page_file(position: int) -> str:
    return raw_page(title=HEADLINES[position - 1])


@pytest.fixture(autouse=True)
def _queue_at_once(monkeypatch):
    """The test's transaction never commits: queue the job at once instead of on commit."""
    monkeypatch.setattr("editions.jobs.transaction.on_commit", lambda callback, **kw: callback())


def post(client, files=(), **options):
    """Upload, then follow to the run's status page (the job ran inline)."""
    data = {"paper": default_paper().pk, "files": list(files), "publish": "on", **options}
    return client.post(URL, data, follow=True)


def statuses(response) -> dict[str, str]:
    return {row["name"]: row["status"] for row in response.context["results"]}


def test_good_files_are_imported_and_listed(editor_client, upload):
    files = [upload(f"p2-{n}.txt", page_file(n)) for n in (1, 2)]
    response = post(editor_client, files, date="2024-08-02")
    assert response.status_code == 200
    assert statuses(response) == {"p2-1.txt": "created", "p2-2.txt": "created"}
    page = Edition.objects.get(date=DAY).pages.get(number=2)
    assert [a.title for a in page.articles.order_by("position")] == HEADLINES
    assert page.articles.get(position=1).has_body


def test_the_summary_and_results_table_are_shown(editor_client, upload):
    response = post(editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02")
    content = response.content.decode()
    assert "1 个文件：新建 1，更新 0，未变 0，跳过 0，失败 0。" in content
    assert 'id="upload-results"' in content
    assert "p2-1.txt" in content


def test_the_date_can_come_from_the_file_names(editor_client, upload):
    response = post(editor_client, [upload("2024-08-02-p2-1.txt", page_file(1))])
    assert statuses(response) == {"2024-08-02-p2-1.txt": "created"}
    assert Edition.objects.filter(date=DAY).exists()


def test_a_zip_of_raw_pages_is_imported(editor_client, upload, zip_of):
    archive = zip_of({f"2024-08-02/p2-{n}.txt": page_file(n) for n in (1, 2, 3)})
    response = post(editor_client, archive=upload("day.zip", archive))
    assert statuses(response) == {
        "day.zip/2024-08-02/p2-1.txt": "created",
        "day.zip/2024-08-02/p2-2.txt": "created",
        "day.zip/2024-08-02/p2-3.txt": "created",
    }
    assert Article.objects.filter(page__edition__date=DAY).exclude(body="").count() == 3


def test_a_zip_in_the_files_input_is_opened_too(editor_client, upload, zip_of):
    archive = zip_of({"p2-1.txt": page_file(1)})
    response = post(editor_client, [upload("day.zip", archive)], date="2024-08-02")
    assert statuses(response) == {"day.zip/p2-1.txt": "created"}


def test_a_bad_file_among_good_ones_is_reported_and_nothing_else_lost(editor_client, upload):
    files = [
        upload("p2-1.txt", page_file(1)),
        upload("broken.txt", b"\x00\x01\x02 not a page"),
        upload("p2-2.txt", page_file(2)),
    ]
    response = post(editor_client, files, date="2024-08-02")
    assert statuses(response) == {
        "p2-1.txt": "created",
        "broken.txt": "failed",
        "p2-2.txt": "created",
    }
    failed = next(r for r in response.context["results"] if r["status"] == "failed")
    assert failed["detail"]
    assert failed["detail"] in response.content.decode()
    assert Article.objects.filter(page__edition__date=DAY).exclude(body="").count() == 2


def test_a_bad_zip_is_reported_as_failed(editor_client, upload):
    response = post(
        editor_client,
        [upload("p2-1.txt", page_file(1))],
        archive=upload("broken.zip", b"PK not really a zip"),
        date="2024-08-02",
    )
    assert statuses(response) == {"p2-1.txt": "created", "broken.zip": "failed"}


def test_an_empty_upload_is_a_form_error(editor_client):
    response = post(editor_client, date="2024-08-02")
    assert response.context["form"].errors
    assert not ImportRun.objects.exists()
    assert not ImportRun.objects.exists()


def test_an_upload_leaves_an_import_record_with_its_editor(editor_client, editor, upload):
    files = [upload("p2-1.txt", page_file(1)), upload("broken.txt", b"")]
    post(editor_client, files, date="2024-08-02")
    run = ImportRun.objects.get()
    assert (run.source, run.user, run.files, run.created, run.failed) == (
        ImportRun.Source.ADMIN,
        editor,
        2,
        1,
        1,
    )
    assert run.paths == "p2-1.txt\nbroken.txt"
    assert run.failures[0].startswith("broken.txt: ")


def test_check_only_saves_nothing(editor_client, upload):
    response = post(
        editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02", dry_run="on"
    )
    assert statuses(response) == {"p2-1.txt": "created"}
    assert not Edition.objects.exists()


def test_an_unticked_publish_leaves_a_new_edition_unpublished(editor_client, upload):
    editor_client.post(
        URL,
        {
            "paper": default_paper().pk,
            "files": [upload("p2-1.txt", page_file(1))],
            "date": "2024-08-02",
        },
    )
    assert not Edition.objects.get(date=DAY).is_published


@pytest.fixture
def corrected_upload(editor_client, upload) -> Article:
    """A page uploaded once, then its first article corrected by an editor."""
    post(editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02")
    article = Article.objects.get(page__edition__date=DAY, page__number=2, position=1)
    article.title = "编辑更正的标题"
    article.save()
    return article


def test_a_re_upload_keeps_an_editors_correction(editor_client, corrected_upload, upload):
    response = post(editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02")
    assert statuses(response) == {"p2-1.txt": "skipped"}
    assert Article.objects.get(pk=corrected_upload.pk).title == "编辑更正的标题"


def test_a_re_upload_with_overwrite_replaces_the_correction(
    editor_client, corrected_upload, upload
):
    response = post(
        editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02", overwrite="on"
    )
    assert statuses(response) == {"p2-1.txt": "updated"}
    assert Article.objects.get(pk=corrected_upload.pk).title == HEADLINES[0]


def test_the_upload_runs_the_importer_service_with_the_editors_options(
    editor_client, editor, monkeypatch, upload
):
    calls = []
    real = services.pages_import

    def spy(sources, **options):
        calls.append(options)
        return real(sources, **options)

    monkeypatch.setattr("editions.jobs.pages_import", spy)
    post(editor_client, [upload("p2-1.txt", page_file(1))], date="2024-08-02", overwrite="on")
    assert len(calls) == 1
    options = calls[0]
    run = options.pop("run")
    options.pop("on_result")
    assert options == {
        "paper": default_paper(),
        "date": DAY,
        "dry_run": False,
        "publish": True,
        "overwrite": True,
        "user": editor,
    }
    assert (run.source, run.user, run.paths) == (ImportRun.Source.ADMIN, editor, "p2-1.txt")
