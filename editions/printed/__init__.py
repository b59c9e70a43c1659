"""The printed page: derivatives of page images and PDFs, the edition's PDF, region detection.

An import stores each page's image and PDF as they came (``Page.image``,
``Page.pdf``). Readers need more: the image in a few widths as WebP and AVIF
for ``srcset``, a thumbnail for the page strip, an image rendered from the PDF
where only a PDF came, and the whole edition as one PDF. ``render_pages_for``
makes them once, under names holding the source's content hash (so they can be
cached for ever), in ``default_storage`` beside the originals, and notes what it
made in ``Page.printed``, which the views read without touching the storage.

Where a page has an image and a PDF but no regions, :mod:`.regions` finds them in
the PDF's text layer (:mod:`.detect`) and notes where each page's regions came
from; it also cuts each article's region out of the page for link previews.

Callers: ``manage.py render_pages``, the importer (through background jobs,
:mod:`.tasks`, for the editions it touched) and the admin, after an editor
changes a page's files or regions.
"""

from .render import render_edition_pdf, render_pages_for

__all__ = ["render_edition_pdf", "render_pages_for"]
