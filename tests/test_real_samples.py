"""The real files of ../shared/samples/real/ import whole and with the right structure.

Read from the shared folder when it is beside this checkout (never copied here);
the tests skip otherwise. The sample folders are not named by paper code, so each
is imported with its paper given.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from editions.importing import Kind, pages_import
from editions.models import Article, Page
from editions.sources import iter_path_sources
from tests.factories import PaperFactory

REAL = Path(__file__).resolve().parents[2] / "shared" / "samples" / "real"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL.is_dir(), reason="the shared real samples are not here"),
]


def imported(folder: str, code: str, name: str):
    paper = PaperFactory(code=code, name=name)
    report = pages_import(iter_path_sources([str(REAL / folder)]), paper=paper)
    return paper, report


@pytest.mark.parametrize(
    ("folder", "code", "name"),
    [
        ("rmrb-2019-10-16", "rmrb", "人民日报"),
        ("hbrb-2023-02-11", "hbrb", "湖北日报"),
        ("kjrb-2023-02-10", "kjrb", "科技日报"),
    ],
)
def test_every_real_file_imports_and_again_changes_nothing(folder, code, name):
    paper, report = imported(folder, code, name)
    files = len([p for p in (REAL / folder).iterdir() if p.suffix in (".txt", ".htm", ".html")])

    assert report.failures == []
    assert report.files == files
    again = pages_import(iter_path_sources([str(REAL / folder)]), paper=paper)
    assert (again.created, again.updated, again.failed) == (0, 0, 0)


def test_peoples_daily_pages_one_to_five_give_36_articles_from_38_dumps():
    paper, report = imported("rmrb-2019-10-16", "rmrb", "人民日报")

    assert report.kinds[Kind.DUMP] == 38
    articles = Article.objects.filter(page__edition__paper=paper)
    assert articles.count() == 36
    story = articles.get(title__startswith="深化改革开放")
    assert story.page.number == 1
    assert list(story.continued_on.values_list("number", flat=True)) == [2]
    twice = articles.filter(continued_on__isnull=False)
    assert sorted(a.page.number for a in twice) == [1, 1]
    assert {p for a in twice for p in a.continued_on.values_list("number", flat=True)} == {2, 4}


def test_hubei_daily_metadata_never_reaches_a_body():
    paper, _report = imported("hbrb-2023-02-11", "hbrb", "湖北日报")

    for article in Article.objects.filter(page__edition__paper=paper):
        text = article.body
        assert "enpproperty" not in text
        assert "<" not in text
        assert "paperarticleid" not in text
        assert "2023-02-11" not in text
    # The story printed whole again on page 4 (another article id) is one article.
    story = Article.objects.get(source_key="content_211244")
    assert story.page.number == 1
    assert list(story.continued_on.values_list("number", flat=True)) == [4]
    assert Article.objects.filter(page__edition__paper=paper).count() == 15


def test_science_daily_page_view_gives_eight_named_pages_and_five_headlines():
    paper, report = imported("kjrb-2023-02-10", "kjrb", "科技日报")

    assert report.kinds[Kind.PAGE_VIEW] == 1
    pages = Page.objects.filter(edition__paper=paper, edition__date=datetime.date(2023, 2, 10))
    assert pages.count() == 8
    assert all(page.name for page in pages)
    assert pages.get(number=2).name == "综合"
    front = pages.get(number=1)
    assert front.name == "今日要闻"
    headlines = list(front.articles.order_by("position"))
    assert len(headlines) == 5
    assert headlines[0].source_key == "content_548643"
    assert front.regions.count() == 7
    assert front.regions.filter(article__source_key="content_548646").count() == 2
