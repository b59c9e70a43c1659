"""What the index holds for one article: its text in the index's spelling, its place
in time and in the paper (its page), a digest.

The *document number* orders the index: the edition's day (counted from
:data:`EPOCH`) in the high bits, a number within the day in the low
:data:`DAY_BITS`, so "newest first" is the numbers' own order and a date range is
a range of numbers. A number fits in 32 bits, the width the postings store (see
:mod:`.postings`): days from 1700 to 2400, 16,384 documents a day.

The document keeps its *runs*: the folded word runs of the head (kicker, title,
subtitle) and of the body (byline and text), each joined by one space. Every
match is decided on them (a word or a phrase is a substring of them), so the
postings only have to find candidates, never to be exact.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass

from .text import index_runs

#: The body's page marks (``--- 第4版 ---``) are layout, not text: never indexed.
_PAGE_MARK_LINE = re.compile(r"^-{3,}\s*第\s*\d{1,3}\s*版\s*-{3,}\s*$", re.MULTILINE)

#: The article fields read to build a document, in this order.
SOURCE_FIELDS = (
    "id",
    "page_id",
    "page__edition_id",
    "page__edition__date",
    "kicker",
    "title",
    "subtitle",
    "byline",
    "body",
)

DAY_BITS = 14
DAY_SIZE = 1 << DAY_BITS
EPOCH = datetime.date(1700, 1, 1).toordinal()
_LAST_DAY = (1 << (32 - DAY_BITS)) - 1


def day_number(day: datetime.date) -> int:
    """The day's place in the index: days outside 1700-2400 share its first or last."""
    return min(max(day.toordinal() - EPOCH, 0), _LAST_DAY)


def day_key(day: datetime.date) -> int:
    """The smallest number of a day; the day's numbers are ``[day_key(d), day_key(d + 1))``."""
    return day_number(day) << DAY_BITS


def key_day(key: int) -> datetime.date:
    return datetime.date.fromordinal((key >> DAY_BITS) + EPOCH)


@dataclass(frozen=True, slots=True)
class Document:
    article_id: int
    page_id: int
    edition_id: int
    date: datetime.date
    head: str  # folded runs of kicker, title, subtitle: ranked above the body
    body: str  # folded runs of byline and body
    digest: int

    @property
    def day(self) -> int:
        return day_number(self.date)


def head_text(kicker: str, title: str, subtitle: str) -> str:
    return "\n".join((kicker, title, subtitle))


def body_text(byline: str, body: str) -> str:
    return byline + "\n" + _PAGE_MARK_LINE.sub("", body)


def document(row: tuple) -> Document:
    """A document from a row of :data:`SOURCE_FIELDS`."""
    article_id, page_id, edition_id, date, kicker, title, subtitle, byline, body = row
    head = index_runs(head_text(kicker, title, subtitle))
    text = index_runs(body_text(byline, body))
    digest = int.from_bytes(
        hashlib.blake2b(f"{head}\x01{text}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    return Document(article_id, page_id, edition_id, date, head, text, digest)
