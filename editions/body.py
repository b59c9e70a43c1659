"""The article body as editors see it: plain text with two light marks.

Editors correct articles in a plain textarea, yet readers need the body's
structure (paragraphs, subheads, and the printed page of each part). This
module is the one place that converts between the two, so the importer, the
model and the admin agree on the format:

* paragraphs are separated by a blank line;
* a line starting with ``## `` is a subhead;
* a line ``--- 第4版 ---`` says that what follows is printed on page 4 (the
  page's number in the edition), where the printed paper has 下转/上接.

No Django import here: it is plain text processing, tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBHEAD_PREFIX = "## "
_PAGE_MARK = re.compile(r"^-{3,}\s*第\s*(\d{1,3})\s*版\s*-{3,}$")
_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class BodyBlock:
    kind: str  # "paragraph" or "subhead"
    text: str
    page: int  # page number in the edition where the block is printed


def page_mark(number: int) -> str:
    return f"--- 第{number}版 ---"


def blocks_to_text(blocks, start_page: int) -> str:
    """Write blocks as editor text; a page mark appears wherever the page changes."""
    parts: list[str] = []
    current = start_page
    for block in blocks:
        if block.page != current:
            parts.append(page_mark(block.page))
            current = block.page
        prefix = SUBHEAD_PREFIX if block.kind == "subhead" else ""
        parts.append(prefix + " ".join(block.text.split()))
    return "\n\n".join(parts)


def text_to_blocks(text: str, start_page: int) -> list[BodyBlock]:
    """Read editor text back into blocks.

    Forgiving on purpose: editors type with CRLF, stray spaces and single line
    breaks inside a paragraph; a line break inside a paragraph is dropped
    (Chinese text has no spaces between words, so nothing is joined wrongly).
    """
    blocks: list[BodyBlock] = []
    page = start_page
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for chunk in _BLANK_LINES.split(text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            mark = _PAGE_MARK.match(line)
            if mark:
                _flush(blocks, paragraph, page)
                page = int(mark.group(1)) or page
            elif line.startswith(SUBHEAD_PREFIX.strip()):
                _flush(blocks, paragraph, page)
                subhead = line.lstrip("#").strip()
                if subhead:
                    blocks.append(BodyBlock("subhead", subhead, page))
            else:
                paragraph.append(line)
        _flush(blocks, paragraph, page)
    return blocks


def _flush(blocks: list[BodyBlock], paragraph: list[str], page: int) -> None:
    if paragraph:
        text = paragraph[0]
        for line in paragraph[1:]:
            # Latin words broken across lines need their space back; CJK text does not.
            joiner = " " if text[-1].isascii() and line[0].isascii() else ""
            text += joiner + line
        blocks.append(BodyBlock("paragraph", text, page))
        paragraph.clear()


def page_numbers(blocks, start_page: int) -> list[int]:
    """The pages an article is printed on, in reading order, starting where it starts."""
    numbers = [start_page]
    for block in blocks:
        if block.page not in numbers:
            numbers.append(block.page)
    return numbers
