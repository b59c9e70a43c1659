"""Text helpers of the parser: decoding bytes, normalising lines, comparing titles.

Every form reads text through these, so an encoding rule or a whitespace rule is
written once. Nothing here knows about page layouts.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable

from .model import PageParseError

_UTF8_BOM = b"\xef\xbb\xbf"
_GB18030_BOM = b"\x84\x31\x95\x33"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 controls other than tab and line ends, DEL and C1: never part of a page's text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# One GB18030 character in bytes: group 1 when it is in the GB2312 areas that real
# Chinese text is made of (symbols A1-A9, hanzi B0-F7), nothing for the rest (GBK
# extensions, user-defined areas, four-byte codes).
_GB_CHAR_RE = re.compile(
    rb"([\xa1-\xa9\xb0-\xf7][\xa1-\xfe])|[\x81-\xfe](?:[\x30-\x39][\x81-\xfe][\x30-\x39]|[\x40-\xfe])"
)
_GB_MIN_CHARS = 8
_GB_MAX_RARE = 0.25


def decode(data: bytes) -> str:
    """Decode a raw page file: BOM first, then strict UTF-8, then strict GB18030.

    The order matters: real GB18030 text is almost never valid UTF-8, while UTF-8 text
    often is "valid" GB18030 garbage, so trying UTF-8 first never produces mojibake.
    A UTF-16 file is only accepted with its BOM (Notepad writes one); any other NUL
    byte means a binary file. Strict decoding means an undecodable file is rejected
    rather than imported with replacement characters. GB18030 maps nearly every byte
    pair to some character, so Big5 or Shift_JIS text also "decodes": a sanity check
    on the characters it gives rejects such files by name instead of importing mojibake.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PageParseError("cannot decode as UTF-16 despite its BOM") from None
        if "\x00" in text:
            raise PageParseError("binary file (NUL bytes)")
        return text
    if b"\x00" in data:
        raise PageParseError("binary file (NUL bytes)")
    bom = False
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    elif data.startswith(_GB18030_BOM):
        data = data[len(_GB18030_BOM) :]
        bom = True
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise PageParseError(_unreadable(data, "cannot decode as UTF-8 or GB18030")) from None
    if not bom and not _plausible_gb(data):
        # Mostly rare characters: mojibake when another codec reads the bytes cleanly
        # (traditional text saved as GBK is rare-heavy too, but no Big5 text).
        reason = _unreadable(data, "")
        if reason:
            raise PageParseError(reason)
    return text


def _plausible_gb(data: bytes) -> bool:
    """True unless the GB18030 reading is mostly rare characters (another encoding)."""
    chars = _GB_CHAR_RE.findall(data)
    if len(chars) < _GB_MIN_CHARS:
        return True
    rare = chars.count(b"")
    return rare <= len(chars) * _GB_MAX_RARE


def _unreadable(data: bytes, default: str) -> str:
    """Name the encoding a rejected file seems to be in, when another codec reads it."""
    for codec, label in (("big5", "Big5"), ("shift_jis", "Shift_JIS")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return f"unsupported encoding (looks like {label}, not UTF-8 or GB18030)"
    return default


def read_text(data: bytes) -> str:
    """The text of a file, or PageParseError for an empty, binary or undecodable one."""
    if not data or not data.strip():
        raise PageParseError("empty file")
    text = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise PageParseError("empty file")
    if CONTROL_RE.search(text):
        controls = len(CONTROL_RE.findall(text))
        if controls > max(8, len(text) // 100):
            raise PageParseError("binary file (control characters)")
        text = CONTROL_RE.sub("", text)
    return text


def norm(line: str) -> str:
    """Collapse every kind of whitespace (U+00A0, U+3000, tabs) to one ASCII space."""
    return " ".join(line.split())


def norm_lines(lines: Iterable[str]) -> list[str]:
    """Normalised non-blank lines."""
    return [s for s in map(norm, lines) if s]


_KEY_TABLE = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "〝": '"', "〞": '"', "‘": "'", "’": "'", "—": "-", "―": "-"}
)


@functools.lru_cache(maxsize=4096)
def match_key(text: str) -> str:
    """Form of a headline used to compare the title with the headline list.

    The article and the headline list of one page are not always typeset alike:
    one may have full-width "：" and the other ":", curly or straight quotes,
    spaces or none. NFKC folding plus quote folding plus dropping whitespace makes
    both sides compare equal. Remembered: a page's headlines come back in each of
    its files, and again when the importer matches them.
    """
    return "".join(unicodedata.normalize("NFKC", text).translate(_KEY_TABLE).split())


_LINK_SUFFIX_RE = re.compile(r"\.(?:s?html?|xhtml|txt)$", re.IGNORECASE)
# 00_p02_content_211250: a saved copy's order and page in front of the site's own name.
_SAVED_PREFIX_RE = re.compile(r"^\d+_p[A-Za-z]?\d+_(?=content_)")


def link_key(href: str) -> str:
    """The file key an href or a file name points at: what links and files share.

    Headline lists and image maps link ``content_548643.htm?div=-1`` or
    ``../../../html/2023-02/10/content_548643.htm``; the article's own file is
    ``content_548643.htm`` or a mirror's ``00_p02_content_548643.html``. All give
    ``content_548643``: the last path segment without query, fragment, page suffix
    or a saved copy's ``NN_pPP_`` prefix. Case is kept (Founder names mix it).
    """
    href = "".join(href.split())
    for mark in ("?", "#"):
        cut = href.find(mark)
        if cut >= 0:
            href = href[:cut]
    href = href.replace("\\", "/").rstrip("/")
    stem = _LINK_SUFFIX_RE.sub("", href[href.rfind("/") + 1 :])
    return _SAVED_PREFIX_RE.sub("", stem)


def make_date(year: str, month: str, day: str) -> datetime.date | None:
    """A real date from its printed parts, or None (2024-13-45 is no date)."""
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


_PATH_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})[-/](\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})/?(\d{2})(?!\d)"
)


def date_from_path(path: str) -> datetime.date | None:
    """The edition date written in a file's path, if any.

    E-paper sites file pages by date (html/2024-08/02/content_123.htm, 20240802/...,
    amucsite's pc/content/202412/25/content_1.html),
    so a saved page's path usually says which edition it belongs to. The deepest
    valid match wins because the innermost folder is the most specific; strings that
    are not real dates (2024-13-45, article ids) are skipped.
    """
    found = None
    for match in _PATH_DATE_RE.finditer(path.replace("\\", "/")):
        groups = match.groups()
        parts = groups[:3] if groups[0] else groups[3:]
        value = make_date(*parts)
        if value is not None:
            found = value
    return found
