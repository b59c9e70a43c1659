"""The parser's results: frozen dataclasses, and the one error it raises.

Every form fills the same :class:`ParsedPage`, so the importer never needs to know
which template a file came from (``form`` says it, for reports only). Fields added
for newer forms all have defaults: a reader that only knew the seed's text view
builds and reads pages exactly as before.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

__all__ = ["Block", "PageParseError", "PageRef", "ParsedPage", "Photo", "Region"]

ARTICLE = "article"
PAGE_VIEW = "page_view"


class PageParseError(ValueError):
    """Raised for a file that is not a raw page file.

    ``str(exc)`` is a one-line reason in English ('no title found', 'empty file'...),
    without the file name: the caller knows which file it was reading and names it.
    """


@dataclass(frozen=True, slots=True)
class PageRef:
    """One entry of the edition's page list (版面导航)."""

    number: int  # 1-based order in the edition (position in the list)
    label: str  # as printed, without 第/版: "01", "A01"
    name: str  # 版名 as printed: "理论特刊 ④" ('' when the entry has no name)
    section: str  # the name without its trailing ordinal: "理论特刊"


@dataclass(frozen=True, slots=True)
class Block:
    """One body paragraph or in-body subhead, with the page it is printed on."""

    kind: str  # "paragraph" or "subhead"
    text: str
    page: int  # page NUMBER (order in the edition)


@dataclass(frozen=True, slots=True)
class Region:
    """One ``<area>`` of a page-image map (热区), kept for a page-image navigator.

    ``coords`` is kept as written; ``points`` and ``article_key`` are derived from
    ``coords`` and ``href`` on access, so they can never disagree with them.
    """

    shape: str
    coords: str
    href: str

    @property
    def points(self) -> tuple[float, ...]:
        """The coordinates as numbers, in the shown image's pixels (decimals occur)."""
        values = []
        for part in self.coords.replace(" ", ",").split(","):
            if part:
                try:
                    values.append(float(part))
                except ValueError:
                    return ()
        return tuple(values)

    @property
    def article_key(self) -> str:
        """The article file this region opens (``?div=`` does not change which)."""
        from .text import link_key

        return link_key(self.href)


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture printed with the article, and its caption ('' when it has none)."""

    src: str  # as written in the page: resolve it against the page file's folder
    caption: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything one raw page file says about its article, page and edition.

    ``kind`` is "article" for article views and crawler dumps, "page_view" for a
    page as printed (no title, no body: the page's image, PDF, regions, headlines).
    """

    page_number: int
    page_label: str
    title: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    blocks: tuple[Block, ...] = ()
    pages: tuple[PageRef, ...] = ()
    headlines: tuple[str, ...] = ()
    editor: str = ""
    date: datetime.date | None = None
    regions: tuple[Region, ...] = ()
    kind: str = ARTICLE
    # The registered form that read the file ("text", "dump", "pad"...): provenance for
    # reports, not content, so two forms giving the same page compare equal.
    form: str = field(default="", compare=False)
    article_key: str = ""  # link_key of the file name ("content_548643"); "" for page views
    headline_links: tuple[str, ...] = ()  # link_key per headline ("" when unlinked)
    position_hint: int | None = None  # headline position from a dump's name (NN)
    image: str = ""  # page image src as written (page views)
    image_size: tuple[int, int] | None = None  # (width, height) the image is shown at
    pdf: str = ""  # the page's PDF href as written
    photos: tuple[Photo, ...] = ()
    paper_name: str = ""  # "人民日报" when the <title> or the mark names the paper
    editors: tuple[tuple[str, str], ...] = ()  # (page label, editor) of every credit

    @property
    def page_numbers(self) -> tuple[int, ...]:
        """Pages the article is printed on, in order of first appearance.

        Starts with ``page_number`` even when the body is empty, so an importer can
        always attach the article to the page the file was saved from.
        """
        seen = [self.page_number]
        for block in self.blocks:
            if block.page not in seen:
                seen.append(block.page)
        return tuple(seen)

    @property
    def position(self) -> int | None:
        """1-based place of the title among the page's headlines; None if not listed."""
        from .text import match_key

        if not self.title:
            return None
        wanted = match_key(self.title)
        for index, headline in enumerate(self.headlines, 1):
            if match_key(headline) == wanted:
                return index
        return None

    @property
    def page_ref(self) -> PageRef | None:
        """The page list entry of the current page, when the file has a page list."""
        for ref in self.pages:
            if ref.number == self.page_number:
                return ref
        return None
