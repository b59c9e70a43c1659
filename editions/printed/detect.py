"""Find where each article is printed on a page, from the text layer of the page's PDF.

E-paper systems have editors draw every article's region (热区) by hand. A page
PDF made by the layout system already knows: its text layer holds every
character with its box. So for a page with an image but no regions, the
article's title and the first lines of its text are looked up among the PDF
page's characters (compared without spaces, punctuation or width and case
differences, as a title broken over two lines or set in full-width letters
still is the title), and the boxes of what matched give the region, as
fractions of the page.

Pure functions over a PDF's bytes and plain strings: no database, so the
search is tested on invented PDFs alone. :mod:`.regions` writes the result.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: How many characters of the article's text (after the title) are looked for:
#: enough to tell two articles apart and to reach the text's column, few enough
#: to be found unbroken on the page.
LEAD_CHARS = 24
#: Shorter titles are too common on a page ("图片新闻") to place an article by.
MIN_TITLE_CHARS = 4
#: Whatever the body matched is extended this far as long as it keeps matching.
BODY_CHARS = 2000


@dataclass(frozen=True)
class Box:
    """A rectangle as fractions of the page: left, top, right, bottom, top-left origin."""

    left: float
    top: float
    right: float
    bottom: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def padded(self, by: float) -> Box:
        return Box(
            max(0.0, self.left - by),
            max(0.0, self.top - by),
            min(1.0, self.right + by),
            min(1.0, self.bottom + by),
        )

    @property
    def area(self) -> float:
        return max(0.0, self.right - self.left) * max(0.0, self.bottom - self.top)


@dataclass(frozen=True)
class Wanted:
    """What to look for: an article's key (any hashable), its title and its text here."""

    key: object
    title: str
    text: str


def fold(text: str) -> str:
    """Only the letters and digits, NFKC-folded and lower-cased: what is compared."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


class PageText:
    """A PDF page's characters, folded, each with its box as fractions of the page."""

    def __init__(self, chars: str, boxes: list[Box]) -> None:
        self.chars = chars
        self.boxes = boxes

    @classmethod
    def from_pdf(cls, data: bytes, index: int = 0) -> PageText:
        import pypdfium2

        document = pypdfium2.PdfDocument(data)
        try:
            page = document[index]
            left, bottom, right, top = page.get_bbox()
            width, height = (right - left) or 1.0, (top - bottom) or 1.0
            textpage = page.get_textpage()
            chars, boxes = [], []
            for i in range(textpage.count_chars()):
                for ch in fold(textpage.get_text_range(i, 1)):
                    x1, y1, x2, y2 = textpage.get_charbox(i)
                    chars.append(ch)
                    boxes.append(
                        Box(
                            (x1 - left) / width,
                            (top - y2) / height,
                            (x2 - left) / width,
                            (top - y1) / height,
                        )
                    )
            textpage.close()
            page.close()
        finally:
            document.close()
        return cls("".join(chars), boxes)

    def __bool__(self) -> bool:
        return bool(self.chars)

    def box_of(self, start: int, end: int) -> Box:
        box = self.boxes[start]
        for other in self.boxes[start + 1 : end]:
            box = box.union(other)
        return box

    def find_all(self, needle: str) -> list[int]:
        found, at = [], self.chars.find(needle)
        while at >= 0 and needle:
            found.append(at)
            at = self.chars.find(needle, at + 1)
        return found

    def matching_run(self, start: int, text: str) -> int:
        """How far the page's characters from ``start`` keep matching ``text``."""
        length = 0
        limit = min(len(text), len(self.chars) - start)
        while length < limit and self.chars[start + length] == text[length]:
            length += 1
        return length


def locate(page_text: PageText, wanted: Wanted) -> Box | None:
    """The region of one article on the page, or None when neither title nor text is found.

    Of the title's occurrences and the text opening's, the pair closest in the
    page's reading order wins (a title may also appear in a 导读 box); the
    text then extends the region as far as the page's characters go on
    matching it. A continuation (no title on this page) is found by its text
    alone, which needs a whole opening to be sure.
    """
    if not page_text:
        return None
    title = fold(wanted.title)
    text = fold(wanted.text)[:BODY_CHARS]
    lead = text[:LEAD_CHARS]
    titles = page_text.find_all(title) if len(title) >= MIN_TITLE_CHARS else []
    bodies = page_text.find_all(lead) if len(lead) >= MIN_TITLE_CHARS else []
    if not titles and len(lead) < LEAD_CHARS // 2:
        bodies = []  # a few characters alone could be anywhere
    if not titles and not bodies:
        return None
    box = None
    if titles and bodies:
        _, at, body = min(
            (abs(body - (at + len(title))), at, body) for at in titles for body in bodies
        )
    elif titles:
        at, body = titles[0], None
    else:
        at, body = None, bodies[0]
    if at is not None:
        box = page_text.box_of(at, at + len(title))
    if body is not None:
        run = page_text.box_of(body, body + page_text.matching_run(body, text))
        box = run if box is None else box.union(run)
    return box


def detect(page_text: PageText, wanted: list[Wanted]) -> dict[object, Box]:
    """Each found article's region, keyed as given; articles not found are left out."""
    found = {}
    for item in wanted:
        box = locate(page_text, item)
        if box is not None and box.area > 0:
            found[item.key] = box.padded(0.004)
    return found
