"""Assembly shared by every form: page numbers, blocks across jumps, credits.

Whatever a form reads its parts from (lines of text, marked HTML elements, a file
name), it hands them here to become page numbers, blocks and editor credits, so
the jump rule and the credit rule exist once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .labels import label_key, label_value, section_of, unspace_name
from .lines import (
    EDITOR,
    JUMP,
    JUMP_TOKEN_RE,
    LEADING_JUMP_RE,
    PAGE_ENTRY,
    TEXT,
    TRAILING_JUMP_RE,
    block_kind,
    credit_pairs,
    editor_name,
    is_credit_line,
)
from .model import Block, PageRef


class Pages:
    """The page list with label lookup, used to turn printed labels into numbers."""

    __slots__ = ("by_key", "refs")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        refs = []
        by_key: dict[str, int] = {}
        for number, (label, printed) in enumerate(entries, 1):
            name = unspace_name(printed) if " " in printed else printed
            refs.append(PageRef(number, label, name, section_of(name)))
            by_key.setdefault(label_key(label), number)
        self.refs = tuple(refs)
        self.by_key = by_key

    def number(self, label: str) -> int | None:
        """Order in the edition of a printed label, or the label's own value."""
        found = self.by_key.get(label_key(label))
        if found is not None:
            return found
        value = label_value(label)
        return value or None


def _jumps(s: str) -> list[tuple[bool, str]]:
    """(is_out, label) for every jump mark on a line, in reading order."""
    return [
        (direction in ("下转", "转至", "转"), label)
        for direction, label in JUMP_TOKEN_RE.findall(s)
    ]


SUBHEAD = "subhead"


def build_blocks(
    lines: Iterable[tuple[str, int]] | Iterable[tuple[str, int, str]], page: int, pages: Pages
) -> tuple[list[Block], list[str]]:
    """Body lines -> (blocks, editor credit lines), following jumps from page to page.

    Each line is (text, kind) or (text, kind, forced block kind): HTML marks a
    subhead with a whole-paragraph <strong>, which the text rules cannot see.
    The article is on the current page until a 下转第N版 mark; everything after it is
    printed on page N. An 上接 mark only repeats where the text comes from, so it does
    not move the page again: a line with both marks switches page exactly once.
    """
    blocks: list[Block] = []
    credits: list[str] = []
    for line in lines:
        s, kind = line[0], line[1]
        if kind in (TEXT, PAGE_ENTRY):
            after = None
            if "版" in s and ("转" in s or "接" in s or "续" in s):
                lead = LEADING_JUMP_RE.match(s)
                if lead:
                    s = s[lead.end() :]
                trail = TRAILING_JUMP_RE.search(s)
                if trail:
                    for is_out, label in _jumps(trail.group()):
                        if is_out:
                            after = pages.number(label) or after
                    s = s[: trail.start()]
            if s:
                forced = line[2] if len(line) > 2 else ""  # type: ignore[misc]
                blocks.append(Block(forced or block_kind(s), s, page))
            if after:
                page = after
        elif kind == JUMP:
            for is_out, label in _jumps(s):
                if is_out:
                    page = pages.number(label) or page
        elif kind == EDITOR:
            credits.append(s)
    return blocks, credits


def split_headlines(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """Headline list -> (headlines, editor credit lines): credits are not articles."""
    headlines: list[str] = []
    credits: list[str] = []
    for s in lines:
        if not s:
            continue
        if "编" in s and is_credit_line(s):
            credits.append(s)
        else:
            headlines.append(s)
    return headlines, credits


def credits_of(lines: Sequence[str], page_label: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(this page's editor, every (page label, editor) pair) from credit lines.

    A credit naming several pages ("一版责编：张三 二版责编：李四") gives this page the
    editor of its own label; a credit without a page ("本版责编", "责任编辑 王五") is
    this page's. Pairs carry this page's label where the credit names none.
    """
    if not lines:
        return "", ()
    editor = ""
    pairs: list[tuple[str, str]] = []
    own = label_key(page_label) if page_label else ""
    for s in lines:
        found = credit_pairs(s)
        if not found:
            name = editor_name(s)
            if name and not editor:
                editor = name
            continue
        for label, name in found:
            if not name:
                continue
            if not editor and (not label or (own and label_key(label) == own)):
                editor = name
            pair = (label or page_label, name)
            if pair not in pairs:
                pairs.append(pair)
    return editor, tuple(pairs)
