"""People's Daily's amucsite pc article views (``pc/content/YYYYMM/DD/content_N.html``).

The same parts as the 2017–2024 template (``h3``/``h1``/``h2``, ``p.sec`` holding
the byline and the mark 《报名》（date 第 N 版）, ``#ozoom``) inside ``div.article``;
an ``h1`` may wrap a ``<p>``. Any paper's name may stand in the mark.
"""

from __future__ import annotations

from ..model import ParsedPage
from ..registry import Source
from .rmrb import parse_template

NAME = "rmrb-pc"
CONTAINER = ".article"


def sniff(source: Source) -> bool:
    if not source.is_html or "article" not in source.text:
        return False
    marks = source.marks
    return marks.get(CONTAINER) is not None and (
        marks.get("#ozoom") is not None or marks.get(".sec") is not None
    )


def parse(source: Source) -> ParsedPage:
    return parse_template(source, NAME, CONTAINER)
