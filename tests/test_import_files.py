"""Page images, PDFs and photos: attached by link or name, stored once, replaced when changed."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from editions.importing import Kind, Status, pages_import
from editions.models import Page, Photo
from editions.sources import RawFile, iter_path_sources
from tests import mirror

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 3)
HTML = "ljrb/html/2024-08/03"
IMAGES = "ljrb/images/2024-08/03/02"
A1 = ("江边步道全线贯通", "700001")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(paths, paper, **options):
    return pages_import(iter_path_sources([str(p) for p in paths]), paper=paper, **options)


def by_name(report):
    return {r.name.rsplit("/", 1)[-1]: r for r in report.results}


def mirror_of(folder, *, image_name="LJRB2024080302_b.jpg", colour="white"):
    mirror.write(
        folder,
        f"{HTML}/node_2.htm",
        mirror.node_view(
            "02",
            headlines=[A1],
            areas=[("rect", "10,10,390,200", "700001")],
            image=f"../../../images/2024-08/03/02/{image_name}",
            pdf="../../../images/2024-08/03/02/LJRB2024080302.pdf",
            size=None,
        ),
    )
    mirror.write(folder, f"{IMAGES}/{image_name}", mirror.page_image((300, 430), colour=colour))
    mirror.write(folder, f"{IMAGES}/LJRB2024080302.pdf", mirror.page_pdf())


def test_the_page_view_attaches_its_image_and_pdf_with_their_size(tmp_path, paper):
    # An image name that says nothing: only the page view's link places it.
    mirror_of(tmp_path, image_name="big.jpg")
    report = run([tmp_path], paper)

    assert report.failed == 0
    assert (report.kinds[Kind.IMAGE], report.kinds[Kind.PDF]) == (1, 1)
    page = Page.objects.get(edition__date=DAY, number=2)
    assert (page.image_width, page.image_height) == (300, 430)
    assert page.pdf_page_count == 1
    assert page.image.name.startswith("pages/ljrb/2024-08-03/02-")
    assert default_storage.exists(page.image.name)
    assert default_storage.exists(page.pdf.name)
    region = page.regions.get()
    assert region.width is None  # shown at its own size: the image's
    assert region.fractions == [10 / 300, 10 / 430, 1.0, 200 / 430]


def test_the_same_files_again_are_not_stored_twice(tmp_path, paper, settings):
    mirror_of(tmp_path / "tree")  # beside MEDIA_ROOT, not around it
    run([tmp_path / "tree"], paper)
    stored = sorted(p.name for p in (settings.MEDIA_ROOT / "pages").rglob("*") if p.is_file())
    assert len(stored) == 2
    report = run([tmp_path / "tree"], paper)

    assert {
        (r.name, r.status, r.detail) for r in report.results if r.status != "unchanged"
    } == set()
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "pages").rglob("*") if p.is_file()) == (
        stored
    )


def test_a_changed_image_replaces_the_old_one(tmp_path, paper, django_capture_on_commit_callbacks):
    mirror_of(tmp_path)
    run([tmp_path], paper)
    old = Page.objects.get(number=2).image.name
    mirror_of(tmp_path, colour="lightyellow")
    with django_capture_on_commit_callbacks(execute=True):
        report = run([tmp_path], paper)

    assert by_name(report)["LJRB2024080302_b.jpg"].status == Status.UPDATED
    new = Page.objects.get(number=2).image.name
    assert new != old
    assert default_storage.exists(new)
    assert not default_storage.exists(old)


@pytest.mark.parametrize(
    ("relative", "number"),
    [
        ("LJRB2024080303_b.jpg", 3),
        ("2024-08-03/page03.jpg", 3),
        ("2024-08-03/03.pdf", 3),
        ("2024-08-03/03版.pdf", 3),
        ("2024-08-03/A04.png", 4),
    ],
)
def test_files_without_a_page_view_go_by_their_name(tmp_path, paper, relative, number):
    content = mirror.page_pdf() if relative.endswith(".pdf") else mirror.page_image(fmt="PNG")
    mirror.write(tmp_path, relative, content)
    report = run([tmp_path], paper)

    assert report.results[0].status == Status.CREATED, report.results[0].detail
    page = Page.objects.get(edition__date=DAY, number=number)
    assert page.pdf if relative.endswith(".pdf") else page.image


def test_a_thumbnail_is_skipped_and_an_unknown_picture_too(tmp_path, paper):
    mirror.write(tmp_path, "LJRB2024080302_s.jpg", mirror.page_image((40, 57)))
    mirror.write(tmp_path, "2024-08-03/logo.png", mirror.page_image((40, 20), fmt="PNG"))
    report = run([tmp_path], paper)

    assert [r.status for r in report.results] == [Status.SKIPPED, Status.SKIPPED]
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("LJRB2024080302_b.jpg", b"<html>not an image</html>", "not a readable image"),
        ("LJRB2024080302_b.jpg", b"\x00" * 64, "not a readable image"),
        ("LJRB2024080302.pdf", mirror.page_pdf()[:600], "not a readable PDF"),
        ("LJRB2024080302.pdf", b"just text", "not a readable PDF"),
        ("LJRB2024080302.pdf", b"", "empty file"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_one_failure_line(
    tmp_path, paper, name, content, reason
):
    from django.core.management import CommandError, call_command

    mirror.write(tmp_path, name, content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_pages", str(tmp_path), stderr=err, stdout=io.StringIO())

    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / name}: {reason}")
    assert "Traceback" not in err.getvalue()
    assert not Page.objects.exists()
    assert not default_storage.exists("pages")


def test_images_and_pdfs_in_a_zip_are_streamed_from_it(tmp_path, paper):
    folder = tmp_path / "tree"
    mirror_of(folder)
    path = tmp_path / "mirror.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    report = run([path], paper)

    assert report.failed == 0
    page = Page.objects.get(number=2)
    assert page.image
    assert page.pdf
    assert page.image_width == 300


def test_a_dry_run_stores_nothing(tmp_path, paper, settings):
    mirror_of(tmp_path)
    report = run([tmp_path], paper, dry_run=True)

    assert report.failed == 0
    assert by_name(report)["LJRB2024080302_b.jpg"].status == Status.CREATED
    assert not Page.objects.exists()
    assert not (settings.MEDIA_ROOT / "pages").exists()


def test_an_articles_photo_keeps_its_caption_and_gets_its_file(tmp_path, paper):
    html = mirror.founder_article(
        "02",
        A1[0],
        ["临江市江边步道昨日全线贯通。"],
        headlines=[A1],
        photos=[("../../../images/2024-08/03/02/p1.jpg", "市民在步道上散步。")],
    )
    mirror.write(tmp_path, f"{HTML}/content_700001.htm", html)
    mirror.write(tmp_path, f"{IMAGES}/p1.jpg", mirror.page_image((120, 80)))
    report = run([tmp_path], paper)

    assert report.failed == 0
    assert report.photos == 1
    photo = Photo.objects.get()
    assert (photo.order, photo.caption) == (1, "市民在步道上散步。")
    assert photo.image
    assert default_storage.exists(photo.image.name)
    assert "市民在步道上散步" not in photo.article.body
    assert by_name(run([tmp_path], paper))["p1.jpg"].status == Status.UNCHANGED


def test_an_unreadable_media_source_is_a_failure_not_a_crash(paper):
    report = pages_import([RawFile("x/LJRB2024080302.pdf", None, "too large")], paper=paper)
    assert report.failures == ["x/LJRB2024080302.pdf: too large"]
