"""Where raw page files come from: paths on disk, folders, zip archives, uploads.

The importer service takes any iterable of :class:`RawFile`; this module turns
what an operator or an editor hands over into that stream, lazily, one file at
a time, so a year of archives never sits in memory at once. A file that cannot
be read becomes a RawFile carrying the reason, and is reported like a parse
failure instead of stopping the run.

Page images and PDFs (``MEDIA_SUFFIXES``) are never read into memory: their RawFile
has no ``data`` but an ``opener`` that gives a binary stream of them (the file on
disk, or a zip member unpacked to a temporary file), valid while the file is the
current one of the stream. Within each folder and each zip they come after the
raw pages, so an importer has seen the page views that link them first.

Nothing a file or an archive says about its own size is trusted: every read is
counted as it happens and stops as soon as a limit is passed. A zip header can
claim 100 bytes for a member that unpacks to gigabytes, and zipfile itself
unpacks a whole bzip2 or LZMA chunk at once whatever size it is asked for, so
members are unpacked here, from their compressed bytes, a bounded chunk at a time.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from .zipstream import CHUNK_BYTES, _Unclosed, _unpacked

#: Files a folder is searched for; a file named explicitly is read whatever its name.
RAW_SUFFIXES = frozenset({".txt", ".htm", ".html"})
#: Page images and PDFs a folder or an archive is searched for too.
MEDIA_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".pdf"})
#: A printed page's PDF or scan is a few MiB; far larger is refused unread.
MAX_MEDIA_BYTES = 200 * 2**20
#: A raw page is a few KiB (a long page view, a few hundred); one far larger is
#: refused rather than read or unpacked: a zip bomb must not take the server's
#: memory, nor a flat 19 MB "page" its parser a minute and gigabytes (5 MiB parses
#: in about 2 s and 200 MiB).
MAX_MEMBER_BYTES = 5 * 2**20
#: All a zip may unpack to, the zips inside it included; past it the rest of
#: the archive is refused (unpacking costs time and disk even when bounded).
MAX_ARCHIVE_BYTES = 2 * 2**30
#: Archives of archives (a year of daily zips) are opened this many levels deep.
MAX_ZIP_DEPTH = 3

#: Bit 11 of a zip member's flags: its name is UTF-8 (otherwise cp437, or anything).
_UTF8_NAME_FLAG = 0x800


@dataclass(frozen=True, slots=True)
class RawFile:
    """One raw page file: its name (a path, which may carry the edition date) and bytes."""

    name: str
    data: bytes | None
    error: str = ""  # why it could not be read; data is None then
    #: A page image or PDF: opens a binary stream of its bytes (call it once, while
    #: this is the current file of the stream); data is None then.
    opener: Callable[[], IO[bytes]] | None = None

    @property
    def is_media(self) -> bool:
        return is_media_name(self.name)


class _Refused(Exception):
    """A file that is not taken; the message is the one-line reason."""


class _Budget:
    """What one archive, the archives inside it included, may still unpack to."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_ARCHIVE_BYTES

    @property
    def spent(self) -> bool:
        return self.left < 0

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _Refused(_archive_over())


def _archive_over() -> str:
    return f"not extracted: the archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes in all"


def _too_large(limit: int, what: str = "raw page") -> str:
    return f"too large for a {what} (over {limit} bytes)"


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix``, lowercased, without making a path of every name
    (an import asks it of each file twice)."""
    base = name.rpartition("/")[2]
    if base in ("", "."):  # a path's own rules for what its last part is
        return PurePosixPath(name).suffix.lower()
    dot = base.rfind(".")
    return base[dot:].lower() if 0 < dot < len(base) - 1 else ""


def is_raw_name(name: str) -> bool:
    return _suffix(name) in RAW_SUFFIXES


def is_media_name(name: str) -> bool:
    return _suffix(name) in MEDIA_SUFFIXES


def printable(text: str) -> str:
    """The text with control, format and undecodable characters written as escapes.

    Names come from archives and file systems that anyone can write: a NUL, a
    terminal escape, a right-to-left override or a byte that is not UTF-8 must
    neither break the report, the log or the database, nor disguise the name.
    """
    if text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte the file system name could not decode
        return f"\\x{code - 0xDC00:02x}"
    if char.isprintable() or unicodedata.category(char) == "Zs":  # spaces stay spaces
        return char
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _one_line(text: str) -> str:
    return printable(" ".join(text.split()))


def _read_bounded(read, limit: int) -> bytes:
    """All that ``read(n)`` gives until it gives nothing, refused once past ``limit`` bytes.

    The count is of the bytes actually read, never of a size announced before.
    """
    chunks: list[bytes] = []
    total = 0
    while chunk := read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise _Refused(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _read(path: Path, name: str) -> RawFile:
    """Read a regular file of sane size; anything else is a RawFile carrying why not.

    A named pipe or a device would block or never end, and a huge file would be
    read whole into memory, so both are refused before reading; and the bytes
    are counted while reading too, as a file can grow after it was looked at.
    """
    name = printable(name)
    try:
        # stat before open: opening a named pipe already blocks.
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return RawFile(name, None, "not a regular file")
        if info.st_size > MAX_MEMBER_BYTES:
            return RawFile(name, None, _too_large(MAX_MEMBER_BYTES))
        with path.open("rb") as handle:
            return RawFile(name, _read_bounded(handle.read, MAX_MEMBER_BYTES))
    except _Refused as refused:
        return RawFile(name, None, str(refused))
    except OSError as exc:
        return RawFile(name, None, exc.strerror or str(exc))


def _media(path: Path, name: str) -> RawFile:
    """A page image or PDF on disk, to be streamed from its file (checked like _read)."""
    name = printable(name)
    try:
        info = path.stat()
    except OSError as exc:
        return RawFile(name, None, exc.strerror or str(exc))
    if not stat.S_ISREG(info.st_mode):
        return RawFile(name, None, "not a regular file")
    if info.st_size > MAX_MEDIA_BYTES:
        return RawFile(name, None, _too_large(MAX_MEDIA_BYTES, "page image or PDF"))
    return RawFile(name, None, opener=lambda: path.open("rb"))


def _walk(folder: Path) -> Iterator[Path]:
    """Raw files below a folder in a stable, sorted order (dated folders come in date order),
    then its page images and PDFs in the same order."""
    media: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if filename.startswith("."):
                continue
            if is_raw_name(filename):
                yield Path(root) / filename
            elif is_media_name(filename):
                media.append(Path(root) / filename)
    yield from media


def _is_zip_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() == ".zip"


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as written, made safe to show.

    ``info.filename`` is cut at a NUL, which could hide what follows it (``p.txt``
    for ``p.txt\\0.exe``), so the whole original name is escaped instead. A name
    without the UTF-8 flag was decoded as cp437; many tools write UTF-8 without
    setting the flag, so such a name is read as UTF-8 when it is valid UTF-8.
    """
    name = info.orig_filename
    if not info.flag_bits & _UTF8_NAME_FLAG:
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return printable(name)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget: _Budget, sink):
    """Unpack one member into ``sink``, counting every byte against its limit and the budget."""
    crc = total = 0
    for chunk in _unpacked(archive, info):
        budget.take(len(chunk))
        total += len(chunk)
        if total > info.file_size:
            raise _Refused(
                f"unpacks to more than the {info.file_size} bytes its header declares"
                " (a damaged or hostile archive)"
            )
        if total > limit:
            raise _Refused(_too_large(limit))
        crc = zlib.crc32(chunk, crc)
        sink.write(chunk)
    if total != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile("bad CRC-32 or size: the member is damaged")


def _extract_or_reason(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget: _Budget, sink
) -> str:
    """Unpack one member into ``sink``; the one-line reason it could not be, or ""."""
    try:
        _extract(archive, info, limit, budget, sink)
    except _Refused as refused:
        return str(refused)
    # A damaged or exotic member raises whatever its decompressor raises
    # (zlib.error, NotImplementedError for deflate64, EOFError...): it is
    # one unreadable file, never the end of the run.
    except Exception as exc:
        reason = _one_line(str(exc)) or type(exc).__name__
        return f"cannot extract from the archive ({reason})"
    return ""


class _Bytes(list):
    """A sink that keeps the chunks written to it."""

    write = list.append


def iter_zip(
    data: bytes | IO[bytes], name: str, depth: int = 1, budget: _Budget | None = None
) -> Iterator[RawFile]:
    """The raw page members of a zip archive, named ``archive.zip/member/path``.

    Zips inside the zip are opened too (to ``MAX_ZIP_DEPTH``), so a year of daily
    archives zipped together imports whole instead of being skipped in silence.
    A raw page may unpack to ``MAX_MEMBER_BYTES``; an inner zip (spooled to a
    temporary file once past that) to what is left of ``MAX_ARCHIVE_BYTES``,
    which the members of the archive at every level share.
    """
    name = printable(name)
    if budget is None:
        budget = _Budget()
    if depth > MAX_ZIP_DEPTH:
        yield RawFile(name, None, f"zip archives nested too deep (over {MAX_ZIP_DEPTH})")
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    # A member name flagged UTF-8 that is not UTF-8 lands here too (UnicodeDecodeError).
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield RawFile(name, None, f"not a readable zip archive ({_one_line(str(exc))})")
        return
    with archive:
        members = sorted(
            ((_member_name(info), info) for info in archive.infolist() if not info.is_dir()),
            # Raw pages (and zips) first, then the images and PDFs they link.
            key=lambda pair: (is_media_name(pair[0]), pair[0]),
        )
        for member, info in members:
            is_zip = _is_zip_name(member)
            is_media = is_media_name(member)
            if not (is_raw_name(member) or is_zip or is_media) or PurePosixPath(
                member
            ).name.startswith("."):
                continue
            full_name = f"{name}/{member}"
            if is_media and info.file_size > MAX_MEDIA_BYTES:
                yield RawFile(full_name, None, _too_large(MAX_MEDIA_BYTES, "page image or PDF"))
                continue
            if not (is_zip or is_media) and info.file_size > MAX_MEMBER_BYTES:
                yield RawFile(full_name, None, _too_large(MAX_MEMBER_BYTES))
                continue
            if info.file_size > budget.left:
                budget.left = -1  # it would pass the budget once unpacked: the rest is refused
            if budget.spent:
                yield RawFile(full_name, None, _archive_over())
                continue
            if is_media:
                yield from _zip_media(archive, info, full_name, budget)
                continue
            if not is_zip:
                sink = _Bytes()
                failure = _extract_or_reason(archive, info, MAX_MEMBER_BYTES, budget, sink)
                yield (
                    RawFile(full_name, None, failure)
                    if failure
                    else RawFile(full_name, b"".join(sink))
                )
                continue
            with tempfile.SpooledTemporaryFile(max_size=MAX_MEMBER_BYTES) as spool:
                failure = _extract_or_reason(archive, info, budget.left, budget, spool)
                if failure:
                    yield RawFile(full_name, None, failure)
                    continue
                spool.seek(0)
                yield from iter_zip(spool, full_name, depth + 1, budget)


def _zip_media(archive, info, full_name: str, budget: _Budget) -> Iterator[RawFile]:
    """A page image or PDF of a zip: unpacked (bounded) to a temporary file, then offered."""
    with tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES * 4) as spool:
        failure = _extract_or_reason(archive, info, MAX_MEDIA_BYTES, budget, spool)
        if failure:
            yield RawFile(full_name, None, failure)
            return
        spool.seek(0)
        yield RawFile(full_name, None, opener=lambda: _Unclosed(spool))


def iter_path_sources(paths: Iterable[str | os.PathLike]) -> Iterator[RawFile]:
    """Files, folders (searched for .txt/.htm/.html) and .zip archives given on the command line."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                yield (
                    _media(file, str(file)) if is_media_name(file.name) else _read(file, str(file))
                )
        elif _is_zip_name(path.name) and path.is_file():
            try:
                with path.open("rb") as handle:
                    yield from iter_zip(handle, str(path))
            except OSError as exc:
                yield RawFile(printable(str(path)), None, exc.strerror or str(exc))
        elif path.exists() and is_media_name(path.name):
            yield _media(path, str(path))
        elif path.exists():
            yield _read(path, str(path))
        else:
            yield RawFile(printable(str(path)), None, "no such file or directory")


def iter_uploaded_sources(uploads: Iterable) -> Iterator[RawFile]:
    """Files uploaded through the admin (Django UploadedFile objects); zips are opened.

    Both are read from the upload's file (Django's temporary file for a large
    one), so neither has to be in memory whole.
    """
    for upload in uploads:
        name = printable(upload.name)
        upload.seek(0)
        if _is_zip_name(name):
            yield from iter_zip(upload, name)
            continue
        if is_media_name(name):
            if upload.size is not None and upload.size > MAX_MEDIA_BYTES:
                yield RawFile(name, None, _too_large(MAX_MEDIA_BYTES, "page image or PDF"))
            else:
                yield RawFile(name, None, opener=lambda upload=upload: _Unclosed(upload))
            continue
        try:
            yield RawFile(name, _read_bounded(upload.read, MAX_MEMBER_BYTES))
        except _Refused as refused:
            yield RawFile(name, None, str(refused))
