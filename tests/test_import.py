"""The importer service and ``manage.py import_pages``, end to end on the database."""

import datetime
import io
import threading
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from editions.importing import pages_import
from editions.models import Article, Edition, ImportRun, Page, Section
from editions.sources import RawFile
from tests.factories import default_paper
from tests.rawpages import HEADLINES, raw_page, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The command speaks the site language; these tests read its English messages."""
    with translation.override("en"):
        yield


DAY = datetime.date(2024, 8, 2)


def run(*args, **options):
    """Call the command; return (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_pages", *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def page_files(folder, headlines=HEADLINES, page=2):
    return [
        write(
            folder / DAY.isoformat(),
            f"p{page}-{i}.txt",
            raw_page(page=page, title=title, headlines=headlines),
        )
        for i, title in enumerate(headlines, 1)
    ]


# --- the seed page --------------------------------------------------------------


def test_seed_page_imports_its_whole_structure(seed_page):
    _out, err, error = run(seed_page, date="2024-08-02")
    assert error is None, err

    edition = Edition.objects.get(date=DAY)
    pages = list(edition.pages.order_by("number"))
    assert [p.number for p in pages] == list(range(1, 13))
    assert pages[0].name == "一版要闻"
    assert pages[4].name == "理论特刊 ④"
    assert pages[4].section.name == "理论特刊"

    articles = list(pages[1].articles.order_by("position"))
    assert len(articles) == 10
    assert articles[0].title == "扎赉特旗在绿水青山间走出生态价值转换新路径"
    full = articles[9]
    assert full.title == "助力推动政策从“纸上”落到“地上”"
    assert full.subtitle.startswith("自治区政协")
    kinds = [block.kind for block in full.blocks]
    assert kinds.count("paragraph") == 14
    assert kinds.count("subhead") == 3
    assert full.page_numbers == [2, 4]
    assert list(full.continued_on.values_list("number", flat=True)) == [4]
    assert all(not a.has_body for a in articles[:9])


def test_seed_page_twice_changes_nothing(seed_page):
    run(seed_page, date="2024-08-02")
    before = list(Article.objects.values().order_by("pk"))
    history = Article.history.count()
    out, _err, error = run(seed_page, date="2024-08-02")
    assert error is None
    assert "1 unchanged" in out
    assert list(Article.objects.values().order_by("pk")) == before
    assert Article.history.count() == history


# --- identity and idempotency ------------------------------------------------------


def test_headline_seen_first_is_filled_not_duplicated(tmp_path):
    first, second, _third = page_files(tmp_path)
    run(first)
    placeholder = Article.objects.get(title=HEADLINES[1])
    assert not placeholder.has_body

    out, _, error = run(second)
    assert error is None
    assert "1 created" in out
    assert Article.objects.count() == 3
    filled = Article.objects.get(pk=placeholder.pk)
    assert filled.has_body
    assert filled.position == 2


def test_reimporting_a_folder_reports_everything_unchanged(tmp_path):
    page_files(tmp_path)
    run(tmp_path)
    counts = (Edition.objects.count(), Page.objects.count(), Article.objects.count())
    out, _, error = run(tmp_path)
    assert error is None
    assert "3 unchanged" in out
    assert (Edition.objects.count(), Page.objects.count(), Article.objects.count()) == counts


def test_changed_file_updates_the_article_in_place(tmp_path):
    (path, *_) = page_files(tmp_path)
    run(path)
    article = Article.objects.get(title=HEADLINES[0])
    write(path.parent, path.name, raw_page(title=HEADLINES[0], paragraphs=["改写后的正文。"]))
    out, _, _ = run(path)
    assert "1 updated" in out
    article.refresh_from_db()
    assert article.body == "改写后的正文。"


# --- editors' corrections -----------------------------------------------------------


def test_editor_correction_survives_reimport(tmp_path):
    (path, *_) = page_files(tmp_path)
    run(path)
    article = Article.objects.get(title=HEADLINES[0])
    article.title = "江边步道全线贯通（更正）"
    article.save()
    assert article.is_corrected

    out, _, error = run(path)
    assert error is None
    assert "1 skipped" in out
    assert "corrected by an editor" in out
    article.refresh_from_db()
    assert article.title == "江边步道全线贯通（更正）"
    assert article.imported["title"] == HEADLINES[0]


def test_overwrite_option_replaces_a_correction(tmp_path):
    (path, *_) = page_files(tmp_path)
    run(path)
    article = Article.objects.get(title=HEADLINES[0])
    article.byline = "错误的署名"
    article.save()

    out, _, _ = run(path, overwrite_corrections=True)
    assert "1 updated" in out
    article.refresh_from_db()
    assert article.byline == "本报记者 林晓 周航"
    assert not article.is_corrected


# --- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("2024-08-02/p.txt", DAY),
        ("archive/20240802/p.txt", DAY),
        ("html/2024-08/02/content_123.txt", DAY),
        ("x/2024-08-02-page2.txt", DAY),
    ],
)
def test_edition_date_comes_from_the_path(tmp_path, relative, expected):
    path = write(tmp_path, relative, raw_page())
    _, err, error = run(path)
    assert error is None, err
    assert Edition.objects.get().date == expected


def test_date_option_wins_over_the_path(tmp_path):
    path = write(tmp_path, "2024-08-02/p.txt", raw_page())
    run(path, date="2024-09-09")
    assert Edition.objects.get().date == datetime.date(2024, 9, 9)


def test_date_line_in_the_file_is_the_last_resort(tmp_path):
    path = write(tmp_path, "p.txt", raw_page(date_line="临江日报 2024年08月02日 星期五"))
    _, err, error = run(path)
    assert error is None, err
    assert Edition.objects.get().date == DAY


def test_file_without_any_date_is_rejected_with_the_reason(tmp_path):
    path = write(tmp_path, "p.txt", raw_page())
    _, err, error = run(path)
    assert error is not None
    assert f"{path}: no edition date" in err
    assert not Edition.objects.exists()


def test_malformed_date_option_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_pages", str(tmp_path), date="02/08/2024")


# --- bad input ---------------------------------------------------------------------


def test_bad_files_are_reported_one_line_each_and_the_rest_imported(tmp_path):
    good = page_files(tmp_path)[0]
    day = tmp_path / DAY.isoformat()
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "notitle.txt": "往期阅读\n当前版: 02版\n".encode(),
        "latin1.htm": "<html><body><p>caf\xe9 \xff\xfe</p></body></html>".encode("latin-1"),
    }
    for name, data in bad.items():
        (day / name).write_bytes(data)

    _out, err, error = run(tmp_path, tmp_path / "missing.txt")
    assert error is not None
    assert "5 of 8 files failed" in str(error)
    lines = err.strip().splitlines()
    assert len(lines) == 5
    for name in bad:
        assert any(line.startswith(f"{day / name}: ") for line in lines), name
    assert f"{tmp_path / 'missing.txt'}: no such file or directory" in lines
    assert "Traceback" not in err
    assert Article.objects.get(title=HEADLINES[0]).has_body
    assert good.exists()


def test_no_files_found_is_an_error(tmp_path):
    (tmp_path / "notes.md").write_text("nothing to import")
    with pytest.raises(CommandError, match="No raw page files"):
        call_command("import_pages", str(tmp_path), stdout=io.StringIO())


def test_hostile_html_in_text_is_kept_as_text(tmp_path):
    payload = "<script>alert('x')</script>正文里混进的标签。"
    path = write(tmp_path, "2024-08-02/p.txt", raw_page(paragraphs=[payload]))
    run(path)
    assert payload in Article.objects.get(title=HEADLINES[0]).body


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("gb18030"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["gb18030", "utf8-bom", "crlf"],
)
def test_encodings_and_line_ends_import_alike(tmp_path, encode):
    path = tmp_path / "2024-08-02" / "p.txt"
    path.parent.mkdir()
    path.write_bytes(encode(raw_page(kicker="盛夏时节", subtitle="记者走访沿江社区")))
    _, err, error = run(path)
    assert error is None, err
    article = Article.objects.get(title=HEADLINES[0])
    assert article.kicker == "盛夏时节"
    assert article.subtitle == "记者走访沿江社区"
    assert "\r" not in article.body
    assert article.blocks[0].text.startswith("临江市江边步道")


# --- options -------------------------------------------------------------------------


def test_dry_run_reports_but_writes_nothing(tmp_path):
    page_files(tmp_path)
    out, _, error = run(tmp_path, dry_run=True)
    assert error is None
    assert "Dry run" in out
    assert "3 created" in out
    assert not Edition.objects.exists()
    assert not Article.objects.exists()


def test_unpublished_option_hides_new_editions_only(tmp_path):
    first, second, _ = page_files(tmp_path)
    run(first, unpublished=True)
    assert not Edition.objects.get().is_published
    Edition.objects.update(is_published=True)
    run(second, unpublished=True)
    assert Edition.objects.get().is_published


def test_zip_archives_are_read(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, title in enumerate(HEADLINES, 1):
            archive.writestr(f"2024-08-02/p{i}.txt", raw_page(title=title))
        archive.writestr("2024-08-02/readme.md", "not a page")
    (tmp_path / "day.zip").write_bytes(buffer.getvalue())
    out, err, error = run(tmp_path / "day.zip")
    assert error is None, err
    assert "3 created" in out
    assert Article.objects.filter(body__gt="").count() == 3


def test_every_import_leaves_a_record(tmp_path):
    page_files(tmp_path)
    (tmp_path / DAY.isoformat() / "bad.txt").write_bytes(b"")
    run(tmp_path)
    record = ImportRun.objects.get()
    assert record.source == ImportRun.Source.COMMAND
    assert (record.files, record.created, record.failed) == (4, 3, 1)
    assert record.failures[0].endswith("bad.txt: empty file")
    assert record.finished_at is not None


def test_summary_counts_every_outcome(tmp_path):
    page_files(tmp_path)
    out, _, _ = run(tmp_path)
    assert "3 files: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 failed." in out


def test_quiet_at_verbosity_zero(tmp_path):
    page_files(tmp_path)
    out, err, _ = run(tmp_path, verbosity=0)
    assert out == ""
    assert err == ""


# --- cost ------------------------------------------------------------------------------


def _import_queries(sources):
    with CaptureQueriesContext(connection) as ctx:
        report = pages_import(sources)
    assert report.failed == 0
    return len(ctx)


def test_query_count_does_not_grow_with_articles():
    def edition_files(date, articles):
        titles = [f"第{i}条新闻标题" for i in range(1, articles + 1)]
        return [
            RawFile(f"{date}/p{i}.txt", raw_page(title=t, headlines=titles).encode())
            for i, t in enumerate(titles, 1)
        ]

    _import_queries(edition_files("2024-07-31", 1))  # sections exist from here on
    small = _import_queries(edition_files("2024-08-01", 2))
    large = _import_queries(edition_files("2024-08-02", 12))
    assert large == small


# --- demo data ---------------------------------------------------------------------------


def test_demo_editions_import_cleanly(demo_dir):
    _out, err, error = run(demo_dir)
    assert error is None, err
    assert Edition.objects.count() >= 2
    for edition in Edition.objects.all():
        assert edition.pages.count() >= 8
    assert Section.objects.exists()
    assert not Article.objects.filter(body="").exists(), "every demo headline has its file"
    assert Article.objects.filter(continued_on__isnull=False).exists()
    assert Page.objects.exclude(editor="").exists()


# --- concurrency (PostgreSQL) --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_edition_leave_no_duplicates(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")
    default_paper()  # a transactional test before this one may have emptied the table
    page_files(tmp_path)
    errors = []

    def worker():
        err = io.StringIO()
        try:
            call_command("import_pages", str(tmp_path), stdout=io.StringIO(), stderr=err)
        except Exception as exc:
            errors.append(f"{exc}: {err.getvalue()}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Edition.objects.count() == 1
    assert Page.objects.count() == 4
    assert Article.objects.count() == 3


# --- identity when files of one page disagree ------------------------------------------

JUMPING = "沿江绿道串起十个公园"
PAGE4 = ["城郊果园迎来采摘季", JUMPING, "乡村客车开进山里"]


def jumping_page(page=2, headlines=(*HEADLINES, JUMPING)):
    return raw_page(
        page=page,
        title=JUMPING,
        headlines=list(headlines),
        paragraphs=["绿道第一段今天开放。", "■下转第4版", "绿道第二段年底完工。"],
    )


def test_a_reordered_headline_list_never_overwrites_another_article(tmp_path):
    day = tmp_path / DAY.isoformat()
    first, second, third = HEADLINES
    run(write(day, "a.txt", raw_page(title=first, headlines=[first, second, third])))
    # Saved later, after the page's headlines were reordered: B is now first.
    _out, err, error = run(
        write(day, "b.txt", raw_page(title=second, headlines=[second, first, third]))
    )
    assert error is None, err

    assert Article.objects.filter(title=first).count() == 1
    assert Article.objects.get(title=first).has_body
    assert Article.objects.get(title=second).has_body
    assert Article.objects.count() == 3


def test_files_of_one_batch_with_different_headline_lists_keep_every_text(tmp_path):
    day = tmp_path / DAY.isoformat()
    first, second, third = HEADLINES
    write(day, "1.txt", raw_page(title=first, headlines=[first, second, third]))
    write(
        day,
        "2.txt",
        raw_page(title="临时插入的快讯", headlines=[first, "临时插入的快讯", second, third]),
    )
    write(day, "3.txt", raw_page(title=second, headlines=[first, second, third]))
    _, err, error = run(tmp_path)
    assert error is None, err

    bodies = dict(Article.objects.values_list("title", "body"))
    assert set(bodies) == {first, second, third, "临时插入的快讯"}
    assert all(bodies[t] for t in (first, second, "临时插入的快讯"))
    assert len(set(Article.objects.values_list("page", "position"))) == 4


@pytest.mark.parametrize("order", ["start-first", "continuation-first"])
def test_continued_article_listed_on_its_continuation_page_is_one_article(tmp_path, order):
    day = tmp_path / DAY.isoformat()
    files = {
        "start": write(day, "p2.txt", jumping_page()),
        "continuation": write(day, "p4.txt", raw_page(page=4, title=PAGE4[0], headlines=PAGE4)),
    }
    for name in order.split("-")[0], ("continuation" if order == "start-first" else "start"):
        _, err, error = run(files[name])
        assert error is None, err

    (article,) = Article.objects.filter(title=JUMPING)
    assert article.page.number == 2
    assert article.page_numbers == [2, 4]
    page4 = Page.objects.get(number=4)
    assert sorted(page4.articles.values_list("title", "position")) == sorted(
        [(PAGE4[0], 1), (PAGE4[2], 3)]
    )


def test_continuation_view_of_an_article_is_not_a_second_article(tmp_path):
    day = tmp_path / DAY.isoformat()
    write(day, "p2.txt", jumping_page())
    write(day, "p4.txt", jumping_page(page=4, headlines=PAGE4))
    out, err, error = run(tmp_path, verbosity=2)
    assert error is None, err

    (article,) = Article.objects.filter(title=JUMPING)
    assert article.page.number == 2
    assert f"{day / 'p4.txt'}: unchanged" in out


def test_corrected_headline_of_a_bodiless_article_still_gets_its_text(tmp_path):
    first, second, _third = page_files(tmp_path)
    run(first)
    placeholder = Article.objects.get(title=HEADLINES[1])
    placeholder.title = "老街夜市重新开张啦"
    placeholder.save()

    _out, err, error = run(second)
    assert error is None, err
    filled = Article.objects.get(pk=placeholder.pk)
    assert filled.title == "老街夜市重新开张啦", "the editor's headline stays"
    assert filled.has_body
    assert filled.is_corrected
    assert Article.objects.count() == 3


# --- limits of the database ------------------------------------------------------------


def test_a_title_too_long_for_the_database_is_rejected_with_the_reason(tmp_path):
    title = "长" * 301
    path = write(tmp_path, "2024-08-02/p.txt", raw_page(title=title, headlines=[title]))
    _, err, error = run(path)
    assert error is not None
    assert f"{path}: title longer than 300 characters" in err
    assert not Article.objects.exists()


def test_a_headline_list_too_long_for_a_page_is_rejected(tmp_path):
    titles = [f"第{i}条" for i in range(1, 1002)]
    path = write(tmp_path, "2024-08-02/p.txt", raw_page(title=titles[0], headlines=titles))
    _, err, error = run(path)
    assert error is not None
    assert f"{path}: more than" in err
    assert not Article.objects.exists()


def test_database_errors_are_reported_on_one_line(tmp_path, monkeypatch):
    from django.db import DatabaseError

    from editions.importing import batch

    def fail(self):
        raise DatabaseError("value too long\nDETAIL:  something\n")

    monkeypatch.setattr(batch.EditionBatch, "run", fail)
    path = write(tmp_path, "2024-08-02/p.txt", raw_page())
    _, err, error = run(path)
    assert error is not None
    assert err.strip() == f"{path}: database error: value too long DETAIL: something"


def test_an_unexpected_parser_error_is_one_failure_not_a_crash(tmp_path, monkeypatch):
    from editions.importing import prepare

    def explode(text, name):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(prepare, "parse_text", explode)
    page_files(tmp_path)
    _, err, error = run(tmp_path)
    assert error is not None
    assert "3 of 3 files failed" in str(error)
    assert "Traceback" not in err
    assert "unexpected error (RecursionError" in err


def test_two_articles_with_the_same_headline_on_one_page_stay_two(tmp_path):
    day = tmp_path / DAY.isoformat()
    titles = ["简讯", "江边步道全线贯通", "简讯"]
    write(day, "1.txt", raw_page(title="简讯", headlines=titles, paragraphs=["第一条简讯。"]))
    write(day, "2.txt", raw_page(title="简讯", headlines=titles, paragraphs=["第二条简讯。"]))
    run(tmp_path)
    out, err, error = run(tmp_path)
    assert error is None, err
    assert "2 unchanged" in out

    bodies = list(Article.objects.filter(title="简讯").order_by("position").values_list("body"))
    assert bodies == [("第一条简讯。",), ("第二条简讯。",)]
