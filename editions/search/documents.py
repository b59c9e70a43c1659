"""What the index holds for one article: its tokens, its place in time, a digest.

The *key* orders the index: the edition's date (as a day number) in the high bits,
so that "newest first" is the index's own order and a date range is a range of
keys; the low 32 bits make it unique (the article's id, or on SQLite a sequence
number: see the SQLite backend). Scanning the index backwards from a key and
stopping after one page of results is what keeps a search fast however many
articles match, and what makes keyset pagination cheap.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass

from .text import fold, runs_text, token_text

#: The body's page marks (``--- 第4版 ---``) are layout, not text: never indexed.
_PAGE_MARK_LINE = re.compile(r"^-{3,}\s*第\s*\d{1,3}\s*版\s*-{3,}\s*$", re.MULTILINE)

#: The article fields read to build a document, in this order.
SOURCE_FIELDS = (
    "id",
    "page__edition_id",
    "page__edition__date",
    "kicker",
    "title",
    "subtitle",
    "byline",
    "body",
)

LOW_BITS = 32


def day_key(day: datetime.date) -> int:
    """The smallest key of a day; the keys of day ``d`` are ``[day_key(d), day_key(d + 1))``."""
    return day.toordinal() << LOW_BITS


def key_day(key: int) -> datetime.date:
    return datetime.date.fromordinal(key >> LOW_BITS)


@dataclass(frozen=True, slots=True)
class Document:
    article_id: int
    edition_id: int
    date: datetime.date
    head: str  # tokens of kicker, title, subtitle: ranked above the body
    body: str  # tokens of byline and body
    digest: int
    head_chars: str = ""  # the distinct word characters of the head (SQLite only)
    chars: str = ""  # ... and of the whole article (SQLite only)

    @property
    def day_key(self) -> int:
        return day_key(self.date)


def head_text(kicker: str, title: str, subtitle: str) -> str:
    return "\n".join((kicker, title, subtitle))


def body_text(byline: str, body: str) -> str:
    return byline + "\n" + _PAGE_MARK_LINE.sub("", body)


def document(row: tuple, *, chars: bool = False) -> Document:
    """A document from a row of :data:`SOURCE_FIELDS`; ``chars``: with its characters."""
    article_id, edition_id, date, kicker, title, subtitle, byline, body = row
    head_runs = runs_text(fold(head_text(kicker, title, subtitle)))
    body_runs = runs_text(fold(body_text(byline, body)))
    head = token_text(head_runs)
    text = token_text(body_runs)
    # The tokens follow from the runs, which are a third of their length to hash.
    digest = int.from_bytes(
        hashlib.blake2b(f"{head_runs}\x01{body_runs}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    if not chars:
        return Document(article_id, edition_id, date, head, text, digest)
    # Distinct characters in the order they first stand (a dict keeps it); the
    # separators are dropped first, so no Python string is made for them.
    head_word = head_runs.replace("\x00", "")
    return Document(
        article_id,
        edition_id,
        date,
        head,
        text,
        digest,
        " ".join(dict.fromkeys(head_word)),
        " ".join(dict.fromkeys(head_word + body_runs.replace("\x00", ""))),
    )
