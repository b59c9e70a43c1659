"""Make a page's derivatives and an edition's PDF, once, and say so in ``Page.printed``.

``Page.printed`` after a run (every name is in ``default_storage``)::

    {"key": "img:3fa2…",            # what they were made from: redone when it changes
     "width": 2000, "height": 3000, # the source image's size (the rendered one's for a PDF)
     "full": "printed/…-full.jpg",  # only for a page that came as a PDF: the image itself
     "sizes": {"avif": [[480, name], …], "webp": [[480, name], …]},
     "thumb": "printed/…-thumb.webp",
     "edition_pdf": "printed/…/edition-…pdf"}  # the whole edition, when every page has a PDF

Names hold the source's hash, so a changed image gets new names and anything
cached under the old ones is simply never asked for again; a run over pages
whose key has not changed does nothing (``force=True`` makes them again).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..models import Edition, Page
from . import pdfs, regions

logger = logging.getLogger(__name__)

#: Bumped when what is made changes, so the next run remakes every derivative.
RENDER_VERSION = 1
#: Display widths for srcset: a phone, a tablet or desktop column, a zoomed-in desktop.
WIDTHS = (480, 960, 1600)
THUMB_WIDTH = 200
#: What other steps note in Page.printed, kept when a page's derivatives are made again.
KEPT = ("edition_pdf", "regions", "crops")
#: AVIF is smaller but far slower to encode; WebP is the fallback every browser reads.
FORMATS = (("avif", {"quality": 55, "speed": 8}), ("webp", {"quality": 78, "method": 4}))


def folder(page: Page) -> str:
    edition = page.edition
    day = edition.date.isoformat() + (f"-{edition.code}" if edition.code else "")
    return f"printed/{edition.paper.code}/{day}"


def source_key(page: Page) -> str:
    """What the derivatives are made from, as a short stable string; "" when nothing."""
    if page.image:
        return f"v{RENDER_VERSION}-img-{(page.image_sha256 or page.image.name)[:16]}"
    if page.pdf:
        return f"v{RENDER_VERSION}-pdf-{(page.pdf_sha256 or page.pdf.name)[:16]}"
    return ""


def _hash_tag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=5).hexdigest()


def save_once(name: str, data: bytes) -> str:
    """Store ``data`` under ``name`` unless there already (the name holds a content hash)."""
    if default_storage.exists(name):  # same content hash in the name: already made
        return name
    return default_storage.save(name, ContentFile(data))


def _encode(image, fmt: str, options: dict) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt.upper(), **options)
    return out.getvalue()


def _resized(image, width: int):
    from PIL import Image

    if width >= image.width:
        return image
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def available_formats() -> list[tuple[str, dict]]:
    from PIL import features

    return [(fmt, options) for fmt, options in FORMATS if features.check(fmt)]


def open_source(page: Page):
    """The page as a Pillow image in RGB: its image, else its PDF's first page rendered."""
    from PIL import Image

    if page.image:
        with default_storage.open(page.image.name, "rb") as handle:
            image = Image.open(handle)
            image.load()
        return image.convert("RGB"), False
    with default_storage.open(page.pdf.name, "rb") as handle:
        return pdfs.render_first_page(handle.read()), True


def render_page(page: Page, *, force: bool = False) -> bool:
    """Make one page's derivatives; True when anything was made."""
    key = source_key(page)
    printed = dict(page.printed or {})
    if not key:
        if printed.get("key"):
            Page.objects.filter(pk=page.pk).update(printed={})
            page.printed = {}
            return True
        return False
    if printed.get("key") == key and not force:
        return False
    image, from_pdf = open_source(page)
    stem = f"{folder(page)}/{page.label or page.number}-{_hash_tag(key)}"
    made = {"key": key, "width": image.width, "height": image.height, "sizes": {}}
    if from_pdf:
        made["full"] = save_once(f"{stem}-full.jpg", _encode(image, "jpeg", {"quality": 85}))
    widths = sorted({min(width, image.width) for width in WIDTHS})
    for fmt, options in available_formats():
        made["sizes"][fmt] = []
        for width in widths:
            data = _encode(_resized(image, width), fmt, options)
            made["sizes"][fmt].append([width, save_once(f"{stem}-w{width}.{fmt}", data)])
    thumb = _resized(image, THUMB_WIDTH)
    made["thumb"] = save_once(f"{stem}-thumb.webp", _encode(thumb, "webp", {"quality": 70}))
    for kept in KEPT:
        if kept in printed:
            made[kept] = printed[kept]
    Page.objects.filter(pk=page.pk).update(printed=made)
    page.printed = made
    return True


def render_edition_pdf(edition: Edition, pages: list[Page], *, force: bool = False) -> str:
    """The whole edition as one PDF, when every page has one; its storage name, or ""."""
    if not pages or not all(page.pdf for page in pages):
        name = ""
    else:
        name = pdfs.edition_pdf_name(folder(pages[0]), pages)
        if force or not default_storage.exists(name):
            data = pdfs.merge(page.pdf.name for page in pages)
            if force and default_storage.exists(name):
                default_storage.delete(name)
            name = default_storage.save(name, ContentFile(data))
    for page in pages:
        if (page.printed or {}).get("edition_pdf", "") != name:
            printed = {**(page.printed or {}), "edition_pdf": name}
            if not name:
                printed.pop("edition_pdf")
            Page.objects.filter(pk=page.pk).update(printed=printed)
            page.printed = printed
    return name


def render_pages_for(pages: Iterable[Page], *, force: bool = False, progress=None) -> int:
    """Make what is missing for these pages and their editions' PDFs; how many pages were made.

    The importer calls this with the pages an import touched. Each edition whose
    pages changed is touched, so its cached reader pages are made again.
    """
    by_edition: dict[int, set[int]] = {}
    made = 0
    for page in pages:
        by_edition.setdefault(page.edition_id, set()).add(page.pk)
    for edition in Edition.objects.filter(pk__in=by_edition).select_related("paper"):
        edition_pages = list(edition.pages.order_by("number"))
        changed = False
        for page in edition_pages:
            page.edition = edition
            if page.pk in by_edition[edition.pk]:
                try:
                    if render_page(page, force=force):
                        changed = True
                        made += 1
                    changed |= regions.refresh(page, force=force)
                except Exception:  # one unreadable file must not stop the run
                    logger.exception("render_pages: %s page %s failed", edition, page.number)
                if progress is not None:
                    progress(page)
        before = [(p.printed or {}).get("edition_pdf") for p in edition_pages]
        try:
            render_edition_pdf(edition, edition_pages, force=force)
        except Exception:  # a broken page PDF: no edition PDF, the pages still show
            logger.exception("render_pages: the PDF of %s failed", edition)
        changed |= before != [(p.printed or {}).get("edition_pdf") for p in edition_pages]
        if changed:
            edition.touch()
    return made
