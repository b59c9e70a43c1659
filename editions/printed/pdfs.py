"""PDF work: a page image rendered from a PDF (pypdfium2), an edition's pages as one PDF (pypdf)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from django.core.files.storage import default_storage

#: The width a page rendered from its PDF gets: sharp at the largest display size.
RENDER_WIDTH = 2000


def render_first_page(data: bytes, width: int = RENDER_WIDTH):
    """The PDF's first page as a Pillow RGB image ``width`` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        document.close()
    return image.convert("RGB")


def edition_pdf_name(folder: str, pages) -> str:
    """A name that changes whenever any page's PDF does: the cached copy is never stale."""
    digest = hashlib.blake2b(digest_size=8)
    for page in pages:
        digest.update(f"{page.number}:{page.pdf_sha256 or page.pdf.name}\n".encode())
    return f"{folder}/edition-{digest.hexdigest()}.pdf"


def merge(names: Iterable[str]) -> bytes:
    """The PDFs stored under ``names``, one after another, as one document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for name in names:
        with default_storage.open(name, "rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()
