"""Guangming Daily's new article views (``gmrb/html/layout/…``).

``.m-article-content`` holds the headline block (``h3``/``h1``/``h2``), the author in
``.m-article-author`` (after ``作者：``) and the body in ``.m-article-main``. The page
comes from the page's banner or marks, else the ``node_NN`` of its path.
"""

from __future__ import annotations

import re

from .. import article
from .. import html as H
from .. import navigation as N
from ..model import ParsedPage
from ..registry import Source
from . import founder

NAME = "guangming"
_AUTHOR_RE = re.compile(r"^(?:作者|文)\s*[:：]\s*")
_NODE_RE = re.compile(r"node_([A-Za-z]?\d{1,3})\.s?html?(?:$|[?#])")


def sniff(source: Source) -> bool:
    return (
        source.is_html
        and "m-article" in source.text
        and source.marks.get(".m-article-content") is not None
    )


def _first(box, name: str):
    found = H.descendant_tags(box, name)
    return found[0] if found else None


def parse(source: Source) -> ParsedPage:
    marks = source.marks
    box = marks.get(".m-article-content")
    assert box is not None
    author = _AUTHOR_RE.sub("", H.element_text(marks.get(".m-article-author")))
    node = _NODE_RE.search(source.name)
    return article.build(
        marks,
        form=NAME,
        key=source.key,
        title=H.title_text(_first(box, "h1")),
        body=marks.get(".m-article-main"),
        kicker=H.title_text(_first(box, "h3")).rstrip("—-－― "),
        subtitle=H.title_text(_first(box, "h2")),
        byline=author,
        fallback_label=founder.title_label(marks) or (node.group(1) if node else ""),
        headlines=N.headline_list(marks) or N.written_headlines(marks),
        photo_scope=box,
    )
