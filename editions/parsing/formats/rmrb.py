"""People's Daily article views, 2017–2024 (``nw.D110000renmrb_YYYYMMDD_K-NN.htm``).

Also Guangming Daily's old pages, built from the same Founder template. Kicker,
title and subtitle are ``div.text_c``'s ``h3``/``h1``/``h2``; the byline is ``h4`` or
the text of ``p.sec`` before the page mark 《报名》（date 第 N 版）; the body is
``#ozoom``; the page is the mark, ``div.ban``, or the file name's NN. The headline
list may be written by a script. :func:`parse_template` is shared with the newer
``rmrb_pc`` template, which differs only in its container.
"""

from __future__ import annotations

import re

from .. import article
from .. import html as H
from .. import navigation as N
from ..lines import MARK_RE, first_date
from ..model import ParsedPage
from ..registry import Source
from ..text import make_date
from . import founder

NAME = "rmrb"
CONTAINER = ".text_c"

# nw.D110000renmrb_20171016_1-01.htm: article 1 of page 01 of 2017-10-16.
_NAME_RE = re.compile(r"nw\.D\d+[A-Za-z]+_(\d{4})(\d{2})(\d{2})_\d+-([A-Za-z]?\d{1,3})\.s?html?$")


def sniff(source: Source) -> bool:
    return source.is_html and "text_c" in source.text and source.marks.get(CONTAINER) is not None


def parse(source: Source) -> ParsedPage:
    return parse_template(source, NAME, CONTAINER)


def _first(box, name: str):
    found = H.descendant_tags(box, name)
    return found[0] if found else None


def parse_template(source: Source, form: str, container: str) -> ParsedPage:
    marks = source.marks
    box = marks.get(container)
    assert box is not None
    label = ""
    date = None
    paper = ""
    byline = H.element_text(_first(box, "h4"))
    for sec in [*marks.all(".sec"), *marks.all(".date"), *marks.all(".lai")]:
        text = H.element_text(sec)
        mark = MARK_RE.search(text)
        if mark is None:
            continue
        paper = mark.group(1).strip()
        label = mark.group(5)
        date = make_date(*mark.group(2, 3, 4))
        if sec.name == "p" and not byline:
            byline = text[: mark.start()].strip()
        break
    named = _NAME_RE.search(source.name)
    if named is not None:
        label = label or named.group(4)
        date = date or make_date(*named.group(1, 2, 3))
    date = date or first_date(H.element_text(marks.get("#riqi_")))
    body = marks.get("#ozoom") or marks.get("founder-content")
    headlines = N.headline_list(marks) or N.written_headlines(marks)
    return article.build(
        marks,
        form=form,
        key=source.key,
        title=H.title_text(_first(box, "h1")),
        body=body,
        kicker=H.title_text(_first(box, "h3")).rstrip("—-－― "),
        subtitle=H.title_text(_first(box, "h2")),
        byline=byline,
        label=label,
        date=date,
        fallback_label=founder.title_label(marks),
        headlines=headlines,
        photo_scope=box,
        paper=paper,
    )
