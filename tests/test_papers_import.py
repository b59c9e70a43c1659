"""Importing into several papers: which paper a file goes to, and papers kept apart."""

import datetime
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from editions.models import Article, Edition, ImportRun, Page, Paper, Section
from tests.factories import PaperFactory, default_paper
from tests.rawpages import HEADLINES, raw_page, write

DAY = datetime.date(2024, 8, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(db) -> Paper:
    return PaperFactory(code="ljwb", name="临江晚报")


def run(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pages", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def page_files(folder, titles=HEADLINES):
    for position, title in enumerate(titles, 1):
        write(folder, f"p2-{position}.txt", raw_page(title=title))
    return folder


def test_with_one_paper_every_file_goes_to_it(tmp_path):
    run(page_files(tmp_path / DAY.isoformat()))
    edition = Edition.objects.get()
    assert edition.paper == default_paper()
    assert Article.objects.filter(page__edition=edition).count() == 3


def test_the_paper_option_names_the_paper(tmp_path, evening):
    run(page_files(tmp_path / DAY.isoformat()), paper="ljwb")
    assert Edition.objects.get().paper == evening
    assert ImportRun.objects.get().paper == evening


def test_the_papers_code_in_the_path_decides(tmp_path, evening):
    run(page_files(tmp_path / "ljwb" / DAY.isoformat()))
    run(page_files(tmp_path / "ljrb" / DAY.isoformat()))
    assert sorted(Edition.objects.values_list("paper__code", "date")) == [
        ("ljrb", DAY),
        ("ljwb", DAY),
    ]


def test_a_mirror_of_several_papers_imports_in_one_run(tmp_path, evening):
    page_files(tmp_path / "ljwb" / "html" / "2024-08" / "02")
    page_files(tmp_path / "ljrb" / "html" / "2024-08" / "02")
    out, _err = run(tmp_path)
    assert "6 个文件" in out or "6 files" in out
    for paper in ("ljrb", "ljwb"):
        assert Article.objects.filter(page__edition__paper__code=paper).count() == 3
    # A run that touched several papers names none of them.
    assert ImportRun.objects.get().paper is None


def test_without_a_paper_in_the_path_several_papers_ask_for_the_option(tmp_path, evening):
    folder = page_files(tmp_path / DAY.isoformat())
    with pytest.raises(CommandError, match="3 of 3 files failed"):
        _out, err = run(folder)
    _out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_pages", str(folder), stdout=_out, stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert all("give --paper (known: ljrb, ljwb)" in line for line in lines)
    assert not Edition.objects.exists()


def test_an_unknown_paper_option_lists_the_known_ones_and_writes_nothing(tmp_path, evening):
    with pytest.raises(CommandError, match=r"'rmrb' is not a known paper \(known: ljrb, ljwb\)"):
        run(page_files(tmp_path / DAY.isoformat()), paper="rmrb")
    assert not Edition.objects.exists()
    assert not ImportRun.objects.exists()


def test_two_papers_hold_editions_of_one_date_and_never_touch_each_other(tmp_path, evening):
    run(page_files(tmp_path / "a" / DAY.isoformat()), paper="ljrb")
    morning = Edition.objects.get(paper__code="ljrb")
    before = {a.pk: a.updated_at for a in Article.objects.filter(page__edition=morning)}
    stamp = morning.updated_at
    run(page_files(tmp_path / "b" / DAY.isoformat(), ["晚报头条", "晚报二条"]), paper="ljwb")
    morning.refresh_from_db()
    assert morning.updated_at == stamp
    assert {a.pk: a.updated_at for a in Article.objects.filter(page__edition=morning)} == before
    night = Article.objects.filter(page__edition__paper=evening).exclude(body="")
    assert sorted(night.values_list("title", flat=True)) == ["晚报二条", "晚报头条"]
    assert not Article.objects.filter(page__edition=morning, title__startswith="晚报").exists()


def test_sections_belong_to_their_paper(tmp_path, evening):
    run(page_files(tmp_path / "a" / DAY.isoformat()), paper="ljrb")
    run(page_files(tmp_path / "b" / DAY.isoformat()), paper="ljwb")
    assert Section.objects.filter(name="经济").count() == 2
    for page in Page.objects.filter(section__isnull=False).select_related("section", "edition"):
        assert page.section.paper_id == page.edition.paper_id


def test_an_extra_edition_of_the_day_never_overwrites_the_regular_one(tmp_path):
    run(page_files(tmp_path / "a" / DAY.isoformat()))
    run(
        page_files(tmp_path / "b" / DAY.isoformat(), ["号外标题"]),
        edition_code="haowai",
        edition_name="号外",
    )
    regular, extra = Edition.objects.order_by("code")
    assert (regular.code, extra.code, extra.name) == ("", "haowai", "号外")
    assert Article.objects.filter(page__edition=regular, page__number=2).count() == 3
    assert list(
        Article.objects.filter(page__edition=extra, body__gt="").values_list("title", flat=True)
    ) == ["号外标题"]


@pytest.mark.parametrize("code", ["HAO WAI", "1st", "号外"])
def test_a_malformed_edition_code_is_refused(tmp_path, code):
    with pytest.raises(CommandError, match="--edition"):
        run(page_files(tmp_path / DAY.isoformat()), edition_code=code)
    assert not Edition.objects.exists()


def test_an_edition_name_needs_an_edition_code(tmp_path):
    with pytest.raises(CommandError, match="--edition-name needs --edition"):
        run(page_files(tmp_path / DAY.isoformat()), edition_name="号外")


# --- create_paper ----------------------------------------------------------------------


def test_create_paper_adds_a_paper_and_updates_it_when_run_again():
    out = io.StringIO()
    call_command("create_paper", "ljwb", "临江晚报", subtitle="夜读临江", stdout=out)
    assert "Created paper ljwb" in out.getvalue()
    call_command("create_paper", "ljwb", "临江晚报·新", stdout=out)
    paper = Paper.objects.get(code="ljwb")
    assert (paper.name, paper.subtitle, paper.is_listed) == ("临江晚报·新", "夜读临江", True)
    assert "Updated paper ljwb" in out.getvalue()


@pytest.mark.parametrize(
    ("code", "reason"),
    [("admin", "保留字"), ("Bad Code", "小写字母"), ("x", "2 至 20"), ("9news", "以字母开头")],
)
def test_create_paper_refuses_codes_that_cannot_be_in_a_link(code, reason):
    with pytest.raises(CommandError, match=reason):
        call_command("create_paper", code, "某报", stdout=io.StringIO())
    assert not Paper.objects.filter(name="某报").exists()


def test_create_paper_refuses_a_name_another_paper_has():
    with pytest.raises(CommandError, match="name"):
        call_command("create_paper", "other", default_paper().name, stdout=io.StringIO())


# --- concurrency (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_imports_of_two_papers_at_once_keep_each_to_its_own(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")
    PaperFactory(code="ljwb", name="临江晚报")
    default_paper()
    folders = {
        "ljrb": page_files(tmp_path / "ljrb" / DAY.isoformat()),
        "ljwb": page_files(tmp_path / "ljwb" / DAY.isoformat(), ["晚报头条", "晚报二条"]),
    }
    errors = []

    def worker(code):
        try:
            for _ in range(3):
                call_command(
                    "import_pages",
                    str(folders[code]),
                    paper=code,
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(code,)) for code in folders for _ in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Edition.objects.filter(date=DAY).count() == 2
    morning = Article.objects.filter(page__edition__paper__code="ljrb", page__number=2)
    night = Article.objects.filter(page__edition__paper__code="ljwb", page__number=2)
    assert sorted(morning.values_list("title", flat=True)) == sorted(HEADLINES)
    assert set(night.exclude(body="").values_list("title", flat=True)) == {"晚报头条", "晚报二条"}
    assert not morning.filter(title__startswith="晚报").exists()
