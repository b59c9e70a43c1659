"""A page's regions beyond the import: detected from its PDF, where they came from, crops.

``Page.printed["regions"]`` notes where the page's regions came from, for the
editors' report (source, detected, drawn by an editor, none) and so detection
runs once per PDF and set of articles::

    {"from": "detected", "key": "…", "found": 5, "articles": 6}

``Page.printed["crops"]`` names, per article starting on the page, a JPEG cut
from the page image around the article's region: its link-preview image
(``og:image``), made once per image and region under a hashed name.

Regions written here use a coordinate space of :data:`SCALE` × :data:`SCALE`
(``Region.width``/``height``), so they are fractions of the page in integers and
stay right whatever image the page is shown from.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Article, Page, Region
from . import detect, display

logger = logging.getLogger(__name__)

#: Regions made here: points in a SCALE × SCALE space (fractions with four decimals).
SCALE = 10_000
#: The link-preview image's largest width (what Open Graph readers ask for).
CROP_WIDTH = 1200
CROP_MIN = 200


class Origin(models.TextChoices):
    SOURCE = "source", _("from the source")
    DETECTED = "detected", _("detected from the PDF")
    EDITOR = "editor", _("drawn by an editor")
    NONE = "none", _("none")


def origin(page: Page) -> str:
    """Where the page's regions came from, as noted; "" when never looked at."""
    return ((page.printed or {}).get("regions") or {}).get("from", "")


def _digest(*parts) -> str:
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _write_printed(page: Page, **changes) -> None:
    printed = {**(page.printed or {}), **changes}
    Page.objects.filter(pk=page.pk).update(printed=printed)
    page.printed = printed


def note_origin(page: Page, value: str, **extra) -> None:
    _write_printed(page, regions={"from": value, **extra})


def wanted_on(page: Page) -> list[detect.Wanted]:
    """The articles printed on the page: title and text for those starting here, the
    text printed here for those continuing from another page."""
    articles = (
        Article.objects.filter(Q(page_id=page.pk) | Q(continued_on=page))
        .distinct()
        .order_by("page__number", "position")
    )
    wanted = []
    for article in articles:
        here = " ".join(block.text for block in article.blocks if block.page == page.number)
        title = article.title if article.page_id == page.pk else ""
        wanted.append(detect.Wanted(article.pk, title, here))
    return wanted


def detect_regions(page: Page, *, force: bool = False) -> bool:
    """Find the regions of a page that has an image, a PDF and no regions of its own.

    Regions the page came with, or an editor drew, are never touched; detected ones
    are made again when the PDF or the page's articles change. True when anything
    was written.
    """
    noted = origin(page)
    if noted == Origin.EDITOR:  # even none: an editor deleting every region meant it
        return False
    has_regions = Region.objects.filter(page_id=page.pk).exists()
    if has_regions and noted == Origin.SOURCE:
        return False
    if has_regions and noted != Origin.DETECTED:  # never looked at, or none until an import
        note_origin(page, Origin.SOURCE)
        return True
    if display.printed_page(page) is None or not page.pdf:
        if noted != Origin.NONE or has_regions:
            Region.objects.filter(page_id=page.pk).delete()
            note_origin(page, Origin.NONE)
            return True
        return False
    wanted = wanted_on(page)
    key = _digest(page.pdf_sha256 or page.pdf.name, [(w.key, w.title, w.text) for w in wanted])
    if not force and (page.printed.get("regions") or {}).get("key") == key:
        return False
    try:
        with default_storage.open(page.pdf.name, "rb") as handle:
            text = detect.PageText.from_pdf(handle.read())
    except Exception:  # an unreadable PDF is a page without detected regions
        logger.warning("region detection: cannot read the PDF of %s", page, exc_info=True)
        text = detect.PageText("", [])
    found = detect.detect(text, wanted)
    with transaction.atomic():
        Region.objects.filter(page_id=page.pk).delete()
        Region.objects.bulk_create(
            Region(
                page=page,
                article_id=article_id,
                shape=Region.Shape.RECT,
                points=[round(v * SCALE) for v in (box.left, box.top, box.right, box.bottom)],
                width=SCALE,
                height=SCALE,
                order=order,
            )
            for order, (article_id, box) in enumerate(found.items(), start=1)
        )
        note_origin(
            page,
            Origin.DETECTED if found else Origin.NONE,
            key=key,
            found=len(found),
            articles=len(wanted),
        )
    return True


def _crop(image, region: Region, page: Page):
    from PIL import Image

    outline = display.region_points(region, image.width, image.height)
    if not outline:
        return None
    xs, ys = [x for x, _ in outline], [y for _, y in outline]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    # Never thinner than CROP_MIN: a one-line region still makes a readable preview.
    grow_x, grow_y = max(0, CROP_MIN - (right - left)) / 2, max(0, CROP_MIN - (bottom - top)) / 2
    box = (
        max(0, round(left - grow_x)),
        max(0, round(top - grow_y)),
        min(image.width, round(right + grow_x)),
        min(image.height, round(bottom + grow_y)),
    )
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return None
    crop = image.crop(box)
    if crop.width > CROP_WIDTH:
        height = round(crop.height * CROP_WIDTH / crop.width)
        crop = crop.resize((CROP_WIDTH, height), Image.Resampling.LANCZOS)
    return crop


def render_crops(page: Page, *, force: bool = False) -> bool:
    """Cut each starting article's first region out of the page image, once; True if made."""
    from . import render

    key = render.source_key(page)
    regions = list(
        Region.objects.filter(page_id=page.pk, article__page_id=page.pk).order_by("order")
    )
    first: dict[int, Region] = {}
    for region in regions:
        region.page = page
        first.setdefault(region.article_id, region)
    wanted = [(aid, r.shape, r.points, r.width, r.height) for aid, r in sorted(first.items())]
    digest = _digest(key, wanted)
    crops = (page.printed or {}).get("crops") or {}
    if crops.get("key") == digest and not force:
        return False
    made: dict[str, str] = {}
    if key and first:
        image, _ = render.open_source(page)
        stem = f"{render.folder(page)}/{page.label or page.number}"
        for article_id, region in first.items():
            crop = _crop(image, region, page)
            if crop is None:
                continue
            out = io.BytesIO()
            crop.save(out, format="JPEG", quality=82)
            tag = _digest(key, region.shape, region.points, region.width, region.height)[:10]
            name = f"{stem}-a{article_id}-{tag}.jpg"
            made[str(article_id)] = render.save_once(name, out.getvalue())
    _write_printed(page, crops={"key": digest, "articles": made})
    return True


def crop_url(page: Page, article_id: int) -> str:
    """The article's link-preview crop, from the page row already loaded: no query."""
    name = (((page.printed or {}).get("crops") or {}).get("articles") or {}).get(str(article_id))
    return default_storage.url(name) if name else ""


def refresh(page: Page, *, force: bool = False) -> bool:
    """Detection, then crops: what a page's regions need after its files or regions changed."""
    changed = detect_regions(page, force=force)
    changed |= render_crops(page, force=force)
    return changed
