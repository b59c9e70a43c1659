"""The printed page: derivatives of page images and PDFs, the edition's PDF, region detection.

An import stores each page's image and PDF as they came (``Page.image``,
``Page.pdf``). Readers need more: the image in a few widths as WebP and AVIF
for ``srcset``, a thumbnail for the page strip, an image rendered from the PDF
where only a PDF came, and the whole edition as one PDF. ``render_pages_for``
makes them once, under names holding the source's content hash (so they can be
cached for ever), in ``default_storage`` beside the originals, and notes what it
made in ``Page.printed``, which the views read without touching the storage.

Callers: ``manage.py render_pages`` and the importer, with the pages it touched.
"""

from .render import render_edition_pdf, render_pages_for

__all__ = ["render_edition_pdf", "render_pages_for"]
