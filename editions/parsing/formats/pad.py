"""amucsite "pad" article views (``pad/content/YYYYMM/DD/content_N.html``).

The page is in a hidden ``p#nowLayout``; kicker, title and subtitle in
``#intro-title``/``#main-title``/``#sub-title``; ``#author`` holds the date, not a
name; the byline or dateline is the first body paragraph; the body is
``founder-content``'s paragraphs. Founder's ``enpproperty`` comment fills in what
the visible page lacks (id, date, author, kicker, title) and is never body text.
"""

from __future__ import annotations

import datetime
import re

from .. import article
from .. import html as H
from ..lines import byline, first_date
from ..model import ParsedPage
from ..navigation import enp_properties
from ..registry import Source
from ..text import link_key, make_date

NAME = "pad"

_MARK_RE = re.compile(r"""id\s*=\s*["']?(?:nowLayout|main-title|intro-title)\b""")
_ENP_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_KEY_RE = re.compile(r"content_\d+")
_KICKER_END = "—-－―─ "


def sniff(source: Source) -> bool:
    if not source.is_html or _MARK_RE.search(source.text) is None:
        return False
    marks = source.marks
    return marks.get("#nowLayout") is not None or marks.get("#main-title") is not None


def parse(source: Source) -> ParsedPage:
    marks = source.marks
    enp = enp_properties(marks)
    kicker = H.title_text(marks.get("#intro-title")) or enp.get("introtitle", "")
    title = H.title_text(marks.get("#main-title")) or enp.get("title", "")
    subtitle = H.title_text(marks.get("#sub-title")) or enp.get("subtitle", "")
    author = H.element_text(marks.get("#author"))
    date = first_date(author) or _enp_date(enp.get("date", ""))
    credit = "" if first_date(author) else byline(author) if author else ""
    credit = credit or enp.get("author", "")
    key = source.key
    if not _KEY_RE.fullmatch(key):
        key = link_key(enp.get("urlpad") or enp.get("url") or "") or key
    body = marks.get("founder-content") or marks.get("#content") or marks.get(".content")
    return article.build(
        marks,
        form=NAME,
        key=key,
        title=title,
        body=body,
        kicker=kicker.rstrip(_KICKER_END),
        subtitle=subtitle,
        byline=credit,
        label=H.element_text(marks.get("#nowLayout")),
        date=date,
        photo_scope=marks.get("#content") or body,
    )


def _enp_date(value: str) -> datetime.date | None:
    match = _ENP_DATE_RE.match(value)
    return make_date(*match.groups()) if match else None
