"""Page views (版面): the page as printed, with no article of its own.

``node_N.htm`` (Founder), ``nbs.D110000renmrb_NN.htm`` (People's Daily),
``pc/layout/YYYYMM/DD/node_NN.html`` (amucsite). What a page view gives is the page:
its label and name, the edition's page list, the page's headlines with their
links, the page image with the size it is shown at, its PDF and the image map's
regions. It has no title, and that is no error.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import html as H
from .. import navigation as N
from ..assembly import Pages, credits_of
from ..lines import CURRENT_RE, MARK_RE, date_line, date_of, is_credit_line
from ..model import PAGE_VIEW, PageParseError, ParsedPage
from ..registry import Source
from ..text import make_date, norm_lines
from . import founder

NAME = "page-view"

_NAME_RE = re.compile(
    r"(?:^|[/\\])(?:node_\d+|nbs\.D\d+[A-Za-z]+_[A-Za-z]?\d+)\.s?html?$", re.IGNORECASE
)
_ARTICLE_KEYS = ("#ozoom", "founder-content", ".m-article-main", "#main-title", "#Title")


def sniff(source: Source) -> bool:
    if not source.is_html:
        return False
    marks = source.marks
    if any(marks.get(key) is not None for key in _ARTICLE_KEYS):
        return False
    if _NAME_RE.search(source.name):
        return True
    return any(img.get("usemap") is not None for img in marks.all("img")) or bool(
        marks.all(".banci")
    )


def parse(source: Source) -> ParsedPage:
    marks = source.marks
    lines = norm_lines(H.text_lines(marks.root.body or marks.root))
    label = name = ""
    date = None
    banner = N.page_banner(marks)
    if banner is not None:
        label, name = banner
    for s in lines:
        if not label and "当前版" in s and (match := CURRENT_RE.search(s)):
            label = match.group(1)
        if s.startswith("《") and (mark := MARK_RE.match(s)):
            label = label or mark.group(5)
            date = date or make_date(*mark.group(2, 3, 4))
        if date is None and len(s) <= 40:
            date = date_of(date_line(s))
    label = label or founder.title_label(marks)
    entries = N.page_list(marks)
    pages = Pages(entries)
    page_number = pages.number(label) if label else None
    if not page_number:
        raise PageParseError("no page number found")
    refs = pages.refs
    if not entries:
        # Saved without the edition's page list: the page is the one its own label
        # names (第05版 is page 5), as an article view's would be, never page 1.
        refs = Pages([(label, name)]).refs
        refs = (replace(refs[0], number=page_number),)
    listed = N.headline_list(marks) or N.written_headlines(marks)
    kept = [(s, k) for s, k in listed if not ("编" in s and is_credit_line(s))]
    editor, editors = credits_of([s for s, _ in listed if (s, _) not in kept], label)
    image, size = N.page_image(marks)
    return ParsedPage(
        page_number=page_number,
        page_label=label,
        title="",
        pages=refs,
        headlines=tuple(s for s, _ in kept),
        headline_links=tuple(k for _, k in kept),
        editor=editor,
        editors=editors,
        date=date,
        regions=N.regions(marks),
        kind=PAGE_VIEW,
        form=NAME,
        image=image,
        image_size=size,
        pdf=N.pdf_link(marks),
        paper_name=N.paper_name(marks, lines),
    )
