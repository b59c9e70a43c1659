"""One article across files: printed again, continued in a file of its own; never two ads."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from editions.importing import Status, pages_import
from editions.models import Article
from editions.sources import iter_path_sources
from tests import mirror
from tests.rawpages import raw_page, write

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 3)
STORY = [
    "临江市江边步道昨日全线贯通，市民可以沿江步行十二公里，沿途可以看到老码头。",
    "步道沿线新建了三处驿站，提供饮水和休息座椅，夜间照明也同步完成了改造。",
    "市园林部门介绍，步道两侧将补种乡土树种两千余株，明年春天就能成荫。",
]
LONG = [f"第{n}段：江边步道沿线的第{n}处景观节点已经完工，市民可以前往游览。" for n in range(1, 11)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(folder, paper, **options):
    return pages_import(iter_path_sources([str(folder)]), paper=paper, **options)


def dumps(folder, files):
    for name, title, paragraphs in files:
        mirror.write(folder, f"{name}.txt", mirror.dump(title, paragraphs))


def printed_on(article):
    return [article.page.number, *article.continued_on.values_list("number", flat=True)]


def test_a_story_printed_again_on_a_later_page_is_one_article(tmp_path, paper):
    nearly = [*LONG[:9], LONG[9].replace("已经完工", "刚刚完工")]  # 9 of 10 the same
    dumps(
        tmp_path,
        [
            ("20240803-01-01", "江边步道全线贯通", LONG),
            ("20240803-01-02", "老街夜市重新开张", ["夜市延时到凌晨一点，摊位增加到八十个。"]),
            ("20240803-02-05", "江边步道全线贯通 市民沿江步行十二公里", nearly),
        ],
    )
    report = run(tmp_path, paper)

    assert report.failed == 0
    assert report.created == 2
    story = Article.objects.get(title="江边步道全线贯通")
    assert printed_on(story) == [1, 2]
    assert Article.objects.count() == 2
    again = run(tmp_path, paper)
    assert (again.created, again.updated) == (0, 0)


def test_a_story_whose_later_copy_comes_first_is_created_not_updated(tmp_path, paper):
    dumps(tmp_path / "a", [("20240803-02-05", "江边步道全线贯通", LONG)])
    dumps(tmp_path / "b", [("20240803-01-01", "江边步道全线贯通", LONG)])
    report = run(tmp_path, paper)  # one batch: the page-2 copy, then page 1's

    assert (report.created, report.updated) == (2, 0)
    story = Article.objects.get(title="江边步道全线贯通")
    assert printed_on(story) == [1, 2]
    again = run(tmp_path, paper)
    assert (again.created, again.updated) == (0, 0)


def test_an_editors_save_keeps_the_page_a_story_is_printed_again_on(tmp_path, paper):
    """The later page's copy is no jump of the body: a correction must not drop it,
    while a jump the editor takes out of the body goes, and one put in comes."""
    dumps(
        tmp_path,
        [
            ("20240803-01-01", "江边步道全线贯通", LONG),
            ("20240803-02-05", "江边步道全线贯通", LONG),
            ("20240803-03-01", "老街夜市重新开张", ["夜市延时到凌晨一点，摊位增加到八十个。"]),
        ],
    )
    run(tmp_path, paper)
    story = Article.objects.get(title="江边步道全线贯通")
    assert printed_on(story) == [1, 2]

    story.title = "江边步道全线贯通 市民沿江步行"
    story.save()
    assert printed_on(Article.objects.get(pk=story.pk)) == [1, 2]

    story.body += "\n\n--- 第3版 ---\n\n步道的第二期工程明年开工。"
    story.save()
    assert sorted(printed_on(Article.objects.get(pk=story.pk))) == [1, 2, 3]
    story.body = story.body.split("\n\n--- 第3版 ---")[0]
    story.save()
    assert printed_on(Article.objects.get(pk=story.pk)) == [1, 2]
    again = run(tmp_path, paper)
    assert (again.created, again.updated) == (0, 0)
    assert printed_on(Article.objects.get(pk=story.pk)) == [1, 2]


def test_the_later_copy_imported_first_moves_the_story_to_where_it_starts(tmp_path, paper):
    dumps(tmp_path / "b", [("20240803-04-06", "江边步道全线贯通", STORY)])
    dumps(tmp_path / "a", [("20240803-01-03", "江边步道全线贯通", STORY)])
    run(tmp_path / "b", paper)
    report = run(tmp_path / "a", paper)

    assert report.results[0].status == Status.UPDATED
    story = Article.objects.get()
    assert (story.page.number, story.position) == (1, 3)
    assert printed_on(story) == [1, 4]
    again = run(tmp_path, paper)
    assert {r.status for r in again.results} == {Status.UNCHANGED}
    assert Article.objects.count() == 1


def test_two_ads_are_never_one_article(tmp_path, paper):
    ad = ["临江家电城周年庆，全场家电八折起，以旧换新再送好礼，详询热线。"] * 2
    dumps(tmp_path, [("20240803-01-08", "广告", ad), ("20240803-02-08", "广告", ad)])
    run(tmp_path, paper)

    assert Article.objects.filter(title="广告").count() == 2


def test_a_different_story_with_most_paragraphs_shared_stays_apart(tmp_path, paper):
    other = [*LONG[:8], "另一件事完全不同，说的是老街夜市。", "夜市延时到凌晨一点。"]
    dumps(tmp_path, [("20240803-01-01", "江边步道", LONG), ("20240803-02-01", "夜市", other)])
    run(tmp_path, paper)

    assert Article.objects.count() == 2


@pytest.mark.parametrize("start_first", [True, False])
def test_a_continuation_file_joins_the_start_whatever_the_order(tmp_path, paper, start_first):
    titles = ["江边步道全线贯通", "老街夜市重新开张"]
    start = raw_page(
        page=1, title=titles[0], headlines=titles, paragraphs=[STORY[0], "（下转第2版）"]
    )
    rest = raw_page(
        page=2, title=titles[0], headlines=[titles[0]], paragraphs=["（上接第1版）", *STORY[1:]]
    )
    first, second = ("a", "b") if start_first else ("b", "a")
    write(tmp_path / first / "2024-08-03", "p1.txt", start)
    write(tmp_path / second / "2024-08-03", "p2.txt", rest)
    run(tmp_path / "a", paper)
    report = run(tmp_path / "b", paper)

    assert report.failed == 0
    story = Article.objects.get(page__number=1, title=titles[0])
    assert [b.page for b in story.blocks] == [1, 2, 2]
    assert [b.text for b in story.blocks] == STORY
    assert printed_on(story) == [1, 2]
    assert not Article.objects.filter(page__number=2).exists()
    again = run(tmp_path, paper)
    assert (again.created, again.updated) == (0, 0)


def test_a_first_import_of_both_parts_reports_them_created_not_updated(tmp_path, paper):
    title = "江边步道全线贯通"
    start = raw_page(page=1, title=title, headlines=[title], paragraphs=[STORY[0], "（下转第2版）"])
    rest = raw_page(
        page=2, title=title, headlines=[title], paragraphs=["（上接第1版）", *STORY[1:]]
    )
    write(tmp_path / "2024-08-03", "p1.txt", start)
    write(tmp_path / "2024-08-03", "p2.txt", rest)
    report = run(tmp_path, paper)

    assert (report.created, report.updated) == (2, 0)
    assert Article.objects.count() == 1
    later = raw_page(
        page=2, title=title, headlines=[title], paragraphs=["（上接第1版）", "补一段。"]
    )
    write(tmp_path / "2024-08-03", "p2.txt", later)
    changed = run(tmp_path, paper)
    assert (changed.created, changed.updated) == (0, 1)  # the start existed: updated
    again = run(tmp_path, paper)
    assert (again.created, again.updated) == (0, 0)


def test_the_debug_query_log_stays_empty_between_batches(tmp_path, paper, settings):
    settings.DEBUG = True
    for day in range(1, 6):
        write(tmp_path / f"2024-08-0{day}", "p.txt", raw_page(paragraphs=STORY))
    reset_queries()
    seen = []
    pages_import(
        iter_path_sources([str(tmp_path)]),
        paper=paper,
        on_result=lambda result: seen.append(len(connection.queries_log)),
    )
    assert max(seen) < 40  # one batch's queries at most, not the whole run's
    assert len(connection.queries_log) < 40


def test_a_query_capture_still_sees_every_query(tmp_path, paper):
    for day in range(1, 3):
        write(tmp_path / f"2024-08-0{day}", "p.txt", raw_page(paragraphs=STORY))
    with CaptureQueriesContext(connection) as captured:
        run(tmp_path, paper)
    assert len(captured) > 20
