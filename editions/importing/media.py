"""Page images and PDFs: what a file is, which page it belongs to, and where it links.

Nothing here holds a file in memory: a file is hashed in chunks, an image is opened
by Pillow lazily (its header gives the pixel size, nothing is decoded) and a PDF is
read by pypdf, which seeks to the parts it needs. A file that is not a readable image
or PDF is refused with a one-line reason.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import posixpath
import re
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from ..parsing import label_key
from ..parsing.text import make_date
from .prepare import ImportFileError

IMAGE = "image"
PDF = "pdf"
_IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "MPO": ".jpg"}
_CHUNK = 256 * 2**10


@dataclass(frozen=True, slots=True)
class Probe:
    """What a page image or PDF is, learnt by streaming it once."""

    kind: str  # IMAGE or PDF
    sha256: str
    size: int  # bytes
    suffix: str  # the suffix it is stored with (.jpg for a JPEG whatever its name)
    width: int | None = None
    height: int | None = None
    pages: int | None = None  # a PDF's page count


def media_kind(name: str) -> str:
    return PDF if name.lower().endswith(".pdf") else IMAGE


def probe(handle: IO[bytes], name: str) -> Probe:
    """Hash and check a page image or PDF; ImportFileError (one line) when it is neither."""
    digest = hashlib.sha256()
    size = 0
    handle.seek(0)
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    if not size:
        raise ImportFileError("empty file")
    handle.seek(0)
    if media_kind(name) == PDF:
        return _pdf(handle, digest.hexdigest(), size)
    return _image(handle, digest.hexdigest(), size)


def _image(handle: IO[bytes], sha256: str, size: int) -> Probe:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:  # lazy: reads the header only
                width, height = image.size
                kind = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImportFileError(_("not a readable image (JPEG, PNG or WebP)")) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImportFileError(f"not a readable image ({type(exc).__name__})") from None
    suffix = _IMAGE_FORMATS.get(kind or "")
    if suffix is None or not width or not height:
        raise ImportFileError(f"not a page image (a {kind} file, not JPEG, PNG or WebP)")
    handle.seek(0)
    return Probe(IMAGE, sha256, size, suffix, width=width, height=height)


@contextlib.contextmanager
def _quiet(logger_name: str):
    """pypdf logs what it repairs; the report already says what matters."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf(handle: IO[bytes], sha256: str, size: int) -> Probe:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    head = handle.read(1024)
    handle.seek(0)
    if b"%PDF-" not in head:
        raise ImportFileError("not a readable PDF (no %PDF header)")
    try:
        with _quiet("pypdf"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            count = len(PdfReader(handle, strict=False).pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ImportFileError(f"not a readable PDF ({reason[:120]})") from None
    if not count:
        raise ImportFileError("not a readable PDF (no pages)")
    handle.seek(0)
    return Probe(PDF, sha256, size, ".pdf", pages=count)


# Which file a link names ------------------------------------------------------


def path_key(path: str) -> str:
    """A file's path as links and the stream both reach it: normalised, case folded."""
    path = path.replace("\\", "/")
    for mark in ("?", "#"):
        cut = path.find(mark)
        if cut >= 0:
            path = path[:cut]
    return posixpath.normpath(path).lower()


def resolve(link: str, against: str) -> str | None:
    """The path key of ``link`` written in the file ``against`` (its own folder is the base).

    An absolute URL or a site-absolute path cannot be placed in the tree: None.
    """
    link = "".join(link.split())
    if not link or "://" in link or link.startswith(("/", "data:", "javascript:")):
        return None
    return path_key(posixpath.join(posixpath.dirname(against.replace("\\", "/")), link))


# Which page a file's own name names -------------------------------------------

_SIZE = r"(?:_(?P<size>[bsBS]))?"
_EXT = r"\.(?:jpe?g|png|webp|pdf)$"
#: Founder: KJRB2023021001_b.jpg, KJRB2023021001.pdf (date, then the page's two digits).
_FOUNDER_RE = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})(?P<m>\d{{2}})(?P<d>\d{{2}})(?P<label>\d{{2}}){_SIZE}{_EXT}", re.I
)
#: page02.jpg, 02.pdf, 02版.pdf, A03.jpg (inside a dated folder).
_PLAIN_RE = re.compile(rf"^(?:page[_-]?)?(?P<label>[A-Za-z]?\d{{1,3}})(?:版)?{_SIZE}{_EXT}", re.I)


@dataclass(frozen=True, slots=True)
class NamedPage:
    label: str
    date: datetime.date | None
    thumbnail: bool


def page_of_name(name: str) -> NamedPage | None:
    """The page a page image or PDF names itself after, or None."""
    base = posixpath.basename(name.replace("\\", "/"))
    match = _FOUNDER_RE.search(base)
    if match:
        date = make_date(match["y"], match["m"], match["d"])
        if date is not None:
            return NamedPage(match["label"], date, (match["size"] or "").lower() == "s")
    match = _PLAIN_RE.match(base)
    if match:
        return NamedPage(match["label"], None, (match["size"] or "").lower() == "s")
    return None


def same_label(a: str, b: str) -> bool:
    return label_key(a) == label_key(b)
