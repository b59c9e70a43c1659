"""Crawler text dumps: one article a file, its page and place only in the file's name.

``YYYYMMDD-PP-NN.txt`` (or ``YYYY-MM-DD/PP-NN.txt``): page PP, NN-th headline of the
page, edition date. Line 1 is the kicker (blank when none), line 2 the title, line 3
the subtitle (blank when none; the line's place says it is one, with or without
``——``), then one paragraph a line. There is no chrome, no page list and no headline
list, so the file's name is what recognises it.
"""

from __future__ import annotations

import datetime
import re

from ..assembly import Pages, build_blocks, credits_of
from ..labels import LABEL
from ..lines import DASHES, byline, classify
from ..model import PageParseError, ParsedPage
from ..registry import Source
from ..text import make_date, norm

NAME = "dump"

_NAME_RE = re.compile(
    r"(?:^|[/\\])(?:(\d{4})(\d{2})(\d{2})-|(\d{4})-(\d{2})-(\d{2})[/\\])"
    rf"({LABEL})-(\d{{1,3}})\.txt$",
    re.IGNORECASE,
)
# An article view saved under a dump-like name is still an article view.
_VIEW_MARKS = ("当前版", "上一篇", "下一篇", "版面导航", "标题导航")


def sniff(source: Source) -> bool:
    name = source.name
    if name[-4:].lower() != ".txt":
        return False
    match = _NAME_RE.search(name)
    if match is None or _date(match) is None:
        return False
    head = source.text[:400]
    return not head.lstrip().startswith("<") and not any(mark in head for mark in _VIEW_MARKS)


def _parts(match: re.Match[str]) -> tuple[str, str, str]:
    return match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)


def _date(match: re.Match[str]) -> datetime.date | None:
    return make_date(*_parts(match))


def parse(source: Source) -> ParsedPage:
    match = _NAME_RE.search(source.name)
    assert match is not None
    year, month, day = _parts(match)
    date = _date(match)
    label, place = match.group(7), match.group(8)
    pages = Pages(())
    page_number = pages.number(label)
    if not page_number:
        raise PageParseError("no page number found")

    lines = source.text.splitlines()
    head = [norm(s) for s in lines[:3]] + ["", "", ""]
    kicker, title, subtitle = head[0], head[1], head[2].lstrip(DASHES)
    if not title and kicker:
        # A one-line or kicker-less file written without the blank first line.
        kicker, title = "", kicker
    if not title:
        raise PageParseError("no title found")

    body = [(s, classify(s)) for s in map(norm, lines[3:]) if s]
    credit = ""
    if body and (found := byline(body[0][0])):
        credit = found
        body.pop(0)
    blocks, credit_lines = build_blocks(body, page_number, pages)
    editor, editors = credits_of(credit_lines, label)
    return ParsedPage(
        page_number=page_number,
        page_label=label,
        title=title,
        kicker=kicker,
        subtitle=subtitle,
        byline=credit,
        blocks=tuple(blocks),
        editor=editor,
        date=date,
        form=NAME,
        article_key=f"{year}{month}{day}-{label}-{place}",
        position_hint=int(place) or None,
        editors=editors,
    )
