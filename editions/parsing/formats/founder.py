"""Founder-built HTML article views: the parts are where the page's marks say.

``#PreTitle``/``#Title``/``#SubTitle`` or ``founder-*`` tags or ``h3``/``h1``/``h2``
for the headline block, ``#ozoom`` or ``founder-content`` for the body.
"""

from __future__ import annotations

import re

from .. import article
from .. import html as H
from ..labels import CN_LABEL, LABEL
from ..model import ParsedPage
from ..registry import Source

NAME = "html-founder"

# 《临江日报》-第02版：经济 in <title>: Founder article pages name their page there.
_TITLE_PAGE_RE = re.compile(rf"第\s*({LABEL}|{CN_LABEL})\s*版")


def title_label(marks: H.Marks) -> str:
    """The page label a page's <title> names ("临江日报-第02版：经济" -> "02")."""
    found = _TITLE_PAGE_RE.search(H.element_text(marks.first("title")))
    return found.group(1) if found else ""


def _title_el(marks: H.Marks):
    return marks.first("#Title", "founder-title", "h1")


def _body_el(marks: H.Marks):
    return marks.get("#ozoom") or marks.get("founder-content")


def sniff(source: Source) -> bool:
    if not source.is_html:
        return False
    marks = source.marks
    return _title_el(marks) is not None and _body_el(marks) is not None


def parse(source: Source) -> ParsedPage:
    marks = source.marks
    title_el = _title_el(marks)
    body = _body_el(marks)
    assert title_el is not None
    kicker_el = marks.first("#PreTitle", "founder-pretitle") or title_el.find_previous_sibling("h3")
    subtitle_el = marks.first("#SubTitle", "founder-subtitle") or title_el.find_next_sibling("h2")
    return article.build(
        marks,
        form=NAME,
        key=source.key,
        title=H.element_text(title_el),
        body=body,
        kicker=H.element_text(kicker_el),
        subtitle=H.element_text(subtitle_el),
        byline=H.element_text(marks.first("founder-author")),
        fallback_label=title_label(marks),
    )
