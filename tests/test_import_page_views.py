"""Page views on their own: a page view saved without the edition's page list is the
page its banner names (第05版 is page 5), never page 1."""

from __future__ import annotations

import datetime

import pytest

from editions.importing import Status, pages_import
from editions.models import Page
from editions.parsing import parse_page
from editions.sources import iter_path_sources
from tests import mirror

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 3)


def lone_view(label: str, name: str, headlines=()) -> str:
    """A Founder page view whose page list was not saved with it."""
    items = "".join(
        f"<li><a href=content_{key}.htm?div=-1><div>{title}</div></a></li>"
        for title, key in headlines
    )
    return f"""<html><head><meta charset="utf-8"><title>临江日报</title></head><body>
<div class="banci">第{label}版：<strong>{name}</strong></div>
<div class="title"><ul>{items}</ul></div>
</body></html>"""


def test_a_page_view_without_a_page_list_is_numbered_by_its_own_label():
    parsed = parse_page(lone_view("05", "文 化").encode(), "ljrb/2024-08/03/node_9.htm")

    assert parsed.page_number == 5
    assert [(p.number, p.label, p.name) for p in parsed.pages] == [(5, "05", "文化")]


def test_page_views_without_a_page_list_import_as_their_own_pages(tmp_path, paper):
    day = tmp_path / "ljrb" / "html" / "2024-08" / "03"
    mirror.write(day, "node_5.htm", lone_view("05", "文化", [("江边步道全线贯通", "700001")]))
    mirror.write(day, "node_7.htm", lone_view("07", "体育"))
    report = pages_import(iter_path_sources([str(tmp_path)]), paper=paper, date=DAY)

    assert report.failed == 0
    assert {r.status for r in report.results} == {Status.CREATED}
    pages = Page.objects.filter(edition__date=DAY).order_by("number")
    assert [(p.number, p.label, p.name) for p in pages] == [(5, "05", "文化"), (7, "07", "体育")]
    assert [a.title for a in pages[0].articles.all()] == ["江边步道全线贯通"]
    again = pages_import(iter_path_sources([str(tmp_path)]), paper=paper, date=DAY)
    assert {r.status for r in again.results} == {Status.UNCHANGED}
