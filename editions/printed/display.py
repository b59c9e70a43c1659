"""What the reader's templates need of a printed page, from rows already loaded: no queries.

``printed_page(page)`` is None for a page without an image (a text-only import:
the headline view), else the image's sources for ``srcset``, its size, the
thumbnail, and the PDF links. ``hotspots(page, regions)`` turns the page's
regions into SVG polygons in the image's own coordinates, each with the
article it links to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from ..models import Article, Page, Region

#: MIME types of the formats render_pages makes, best first.
MIME = {"avif": "image/avif", "webp": "image/webp"}


@dataclass(frozen=True)
class Source:
    mime: str
    srcset: str


@dataclass(frozen=True)
class PrintedPage:
    page: Page
    width: int
    height: int
    src: str  # the fallback: the original image (or the one rendered from the PDF)
    sources: list[Source] = field(default_factory=list)
    thumb: str = ""
    pdf: str = ""
    edition_pdf: str = ""

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Hotspot:
    article: Article
    points: str  # SVG polygon points in the image's pixels

    @property
    def title(self) -> str:
        return self.article.title


def _url(name: str) -> str:
    return default_storage.url(name) if name else ""


def printed_page(page: Page) -> PrintedPage | None:
    printed = page.printed or {}
    width = printed.get("width") or page.image_width
    height = printed.get("height") or page.image_height
    if page.image:
        src = page.image.url
    elif printed.get("full"):
        src = _url(printed["full"])
    else:
        return None
    if not width or not height:
        return None
    sources = [
        Source(MIME[fmt], ", ".join(f"{_url(name)} {w}w" for w, name in sizes))
        for fmt, sizes in printed.get("sizes", {}).items()
        if fmt in MIME and sizes
    ]
    return PrintedPage(
        page=page,
        width=width,
        height=height,
        src=src,
        sources=sources,
        thumb=_url(printed.get("thumb", "")),
        pdf=page.pdf.url if page.pdf else "",
        edition_pdf=_url(printed.get("edition_pdf", "")),
    )


def region_points(region: Region, width: int, height: int) -> list[tuple[float, float]]:
    """The region's outline as (x, y) in a width × height image; [] when it has no shape."""
    from_w = region.width or region.page.image_width or width
    from_h = region.height or region.page.image_height or height
    values = [float(v) for v in region.points or []]
    sx, sy = width / from_w, height / from_h
    if region.shape == Region.Shape.RECT and len(values) == 4:
        x1, y1, x2, y2 = values
        corners = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
    elif region.shape == Region.Shape.CIRCLE and len(values) == 3:
        import math

        x, y, r = values
        corners = [
            (x + r * math.cos(2 * math.pi * i / 16), y + r * math.sin(2 * math.pi * i / 16))
            for i in range(16)
        ]
    elif len(values) >= 6 and len(values) % 2 == 0:
        corners = list(zip(values[::2], values[1::2], strict=True))
    else:
        return []
    return [(min(max(x * sx, 0), width), min(max(y * sy, 0), height)) for x, y in corners]


def hotspots(printed: PrintedPage, regions) -> list[Hotspot]:
    """The regions that link to an article, in order, as polygons over the image."""
    spots = []
    for region in regions:
        if region.article is None:
            continue
        region.page = printed.page
        outline = region_points(region, printed.width, printed.height)
        if outline:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in outline)
            spots.append(Hotspot(region.article, points))
    return spots
