"""One import run takes every form: page views, article views in several templates, dumps.

Invented files in the real forms (tests/mirror.py); assertions on the returned report.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.utils import translation

from editions.importing import Kind, Status, pages_import
from editions.models import Article, Page, Region
from editions.sources import iter_path_sources
from tests import mirror

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 3)
HTML = "ljrb/html/2024-08/03"
A1 = ("江边步道全线贯通", "700001")
A2 = ("老街夜市重新开张", "700002")
PARAS = ["临江市江边步道昨日全线贯通，市民可以沿江步行十二公里。", "步道沿线新建了三处驿站。"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(paths, paper, **options):
    return pages_import(iter_path_sources([str(p) for p in paths]), paper=paper, **options)


def page_view(folder, **changes):
    options = {
        "headlines": [A1, A2],
        "areas": [
            ("rect", "10,10,390,200", "700001"),
            ("polygon", "10,210,200,210,200,560,10,560", "700002"),
            ("rect", "205.5,210,390,560.25", "700002"),
        ],
        "image": "../../../images/2024-08/03/02/LJRB2024080302_b.jpg",
        "pdf": "../../../images/2024-08/03/02/LJRB2024080302.pdf",
        "editor": "王五",
        **changes,
    }
    return mirror.write(folder, f"{HTML}/node_2.htm", mirror.node_view("02", **options))


def article(folder, title=A1[0], key=A1[1], paragraphs=PARAS, **options):
    html = mirror.founder_article("02", title, paragraphs, headlines=[A1, A2], **options)
    return mirror.write(folder, f"{HTML}/content_{key}.htm", html)


def statuses(report):
    return {r.name.rsplit("/", 1)[-1]: r.status for r in report.results}


def test_a_page_view_is_the_page_never_an_article(tmp_path, paper):
    page_view(tmp_path)
    report = run([tmp_path], paper)

    assert report.failed == 0
    assert report.kinds[Kind.PAGE_VIEW] == 1
    page = Page.objects.get(edition__date=DAY, number=2)
    assert (page.label, page.name, page.editor) == ("02", "城市", "王五")
    assert list(page.edition.pages.values_list("name", flat=True)) == ["要闻", "城市", "经济"]
    rows = list(page.articles.values_list("position", "title", "source_key", "body"))
    assert rows == [(1, A1[0], "content_700001", ""), (2, A2[0], "content_700002", "")]


@pytest.mark.parametrize("view_first", [True, False])
def test_a_headline_link_and_the_article_file_meet_whatever_the_order(tmp_path, paper, view_first):
    first, second = tmp_path / "a", tmp_path / "b"
    page_view(first if view_first else second)
    # The file's title differs from the headline: the link decides.
    article(second if view_first else first, title="江边步道昨日全线贯通")
    run([first], paper)
    report = run([second], paper)

    assert report.failed == 0
    page = Page.objects.get(edition__date=DAY, number=2)
    assert page.articles.count() == 2
    filled = page.articles.get(source_key="content_700001")
    assert filled.position == 1
    assert filled.has_body


def test_regions_keep_their_article_their_points_and_the_size_they_are_in(tmp_path, paper):
    page_view(tmp_path)
    article(tmp_path, title=A2[0], key=A2[1])
    run([tmp_path], paper)

    regions = list(Region.objects.order_by("order"))
    assert [r.shape for r in regions] == ["rect", "polygon", "rect"]
    assert regions[2].points == [205.5, 210.0, 390.0, 560.25]
    assert (regions[0].width, regions[0].height) == (400, 575)
    assert regions[0].fractions == [10 / 400, 10 / 575, 390 / 400, 200 / 575]
    target = Article.objects.get(source_key="content_700002")
    assert set(target.regions.values_list("order", flat=True)) == {2, 3}
    assert regions[0].article.source_key == "content_700001"


def test_a_region_imported_before_its_article_finds_it_later(tmp_path, paper):
    page_view(tmp_path / "a", headlines=[A1])  # 700002 has regions but no headline
    run([tmp_path / "a"], paper)
    assert Region.objects.filter(article__isnull=True).count() == 2

    mirror.write(
        tmp_path / "b",
        f"{HTML}/content_700002.htm",
        mirror.founder_article("02", A2[0], PARAS, headlines=[A1, A2]),
    )
    run([tmp_path / "b"], paper)
    assert not Region.objects.filter(article__isnull=True).exists()


def test_three_article_templates_and_a_page_view_in_one_run(tmp_path, paper):
    page_view(tmp_path)
    article(tmp_path)
    mirror.write(
        tmp_path,
        f"{HTML}/content_700010.htm",
        mirror.pad_article(
            "03", "沙地里长出新产业", ["春天一到，沙地里的灌木冒出了新芽。"], key="700010"
        ),
    )
    mirror.write(
        tmp_path,
        f"{HTML}/content_700011.htm",
        mirror.rmrb_article("03", "经济", "草原上的夜校开课了", ["夜校开在草原上。"]),
    )
    report = run([tmp_path], paper)

    assert report.failed == 0
    assert report.kinds[Kind.ARTICLE_VIEW] == 3
    titles = set(Article.objects.exclude(body="").values_list("page__number", "title"))
    assert titles == {(2, A1[0]), (3, "沙地里长出新产业"), (3, "草原上的夜校开课了")}
    again = run([tmp_path], paper)
    assert again.created == again.updated == 0


def test_a_mirror_in_a_zip_imports_like_the_folder(tmp_path, paper):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{HTML}/node_2.htm", mirror.node_view("02", headlines=[A1, A2]))
        archive.writestr(
            f"{HTML}/content_700001.htm",
            mirror.founder_article("02", A1[0], PARAS, headlines=[A1, A2]),
        )
    path = tmp_path / "mirror.zip"
    path.write_bytes(buffer.getvalue())
    report = run([path], paper)

    assert report.failed == 0
    assert report.kinds[Kind.PAGE_VIEW] == report.kinds[Kind.ARTICLE_VIEW] == 1
    assert Article.objects.get(source_key="content_700001").has_body


def test_dumps_are_placed_by_their_name_and_a_page_view_names_their_page_later(tmp_path, paper):
    day = tmp_path / "dumps"
    mirror.write(day, "20240803-02-02.txt", mirror.dump(A2[0], ["夜市延时到凌晨一点。"]))
    mirror.write(day, "20240803-02-01.txt", mirror.dump(A1[0], PARAS, subtitle="沿江十二公里"))
    report = run([day], paper)

    assert report.kinds[Kind.DUMP] == 2
    page = Page.objects.get(edition__date=DAY, number=2)
    assert page.name == ""
    first = page.articles.get(position=1)
    assert (first.title, first.subtitle, first.source_key) == (
        A1[0],
        "沿江十二公里",
        "20240803-02-01",
    )
    assert page.articles.get(position=2).title == A2[0]

    page_view(tmp_path / "view")
    run([tmp_path / "view"], paper)
    page.refresh_from_db()
    assert page.name == "城市"
    assert page.articles.count() == 2  # the headlines found the dumps' articles by title


def test_a_credit_for_several_pages_names_each_page_editor(tmp_path, paper):
    text = mirror.dump(A1[0], [*PARAS, "一版责编：王五 二版责编：赵六"])
    mirror.write(tmp_path, "20240803-01-01.txt", text)
    report = run([tmp_path], paper)

    assert report.failed == 0
    editors = dict(Page.objects.values_list("number", "editor"))
    assert editors == {1: "王五", 2: "赵六"}
    assert "赵六" not in Article.objects.get().body


def test_the_command_prints_the_counts_by_kind(tmp_path, paper):
    from django.core.management import call_command

    page_view(tmp_path)
    article(tmp_path, photos=[("p1.jpg", "市民在步道上散步。")])
    mirror.write(tmp_path, "dumps/20240803-03-01.txt", mirror.dump("草原上的夜校开课了", PARAS))
    out = io.StringIO()
    call_command("import_pages", str(tmp_path), "--dry-run", stdout=out)

    assert "1 article views, 1 page views, 1 dumps, 0 images, 0 PDFs, 1 photos." in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert not Article.objects.exists()


def test_statuses_are_one_enum_spelled_as_before():
    assert [s.value for s in Status] == ["created", "updated", "unchanged", "skipped", "failed"]
    assert Status.CREATED == "created"
