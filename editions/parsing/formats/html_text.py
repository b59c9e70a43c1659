"""HTML without usable marks: its visible text, read like a text article view.

The HTML still helps where it can: a title mark guides the title, and the page
list, headline list (with links) and image map are read from their elements.
"""

from __future__ import annotations

from .. import html as H
from .. import navigation as N
from ..model import ParsedPage
from ..registry import Source
from . import founder
from .text import parse_lines

NAME = "html-text"


def sniff(source: Source) -> bool:
    return source.is_html


def parse(source: Source) -> ParsedPage:
    marks = source.marks
    lines = H.text_lines(marks.root.body or marks.root)
    return parse_lines(
        lines,
        form=NAME,
        key=source.key,
        title_hint=H.element_text(marks.first("#Title", "founder-title", "h1")),
        extra_pages=N.page_list(marks),
        extra_headlines=N.headline_list(marks),
        regions=N.regions(marks),
        fallback_label=founder.title_label(marks),
        paper_name=N.paper_name(marks),
    )
