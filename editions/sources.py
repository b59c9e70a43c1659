"""Where raw page files come from: paths on disk, folders, zip archives, uploads.

The importer service takes any iterable of :class:`RawFile`; this module turns
what an operator or an editor hands over into that stream, lazily, one file at
a time, so a year of archives never sits in memory at once. A file that cannot
be read becomes a RawFile carrying the reason, and is reported like a parse
failure instead of stopping the run.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Files a folder is searched for; a file named explicitly is read whatever its name.
RAW_SUFFIXES = frozenset({".txt", ".htm", ".html"})
#: A raw page is a few KiB; a member far larger than this is refused rather than
#: unpacked (a zip bomb must not take the server's memory with it).
MAX_MEMBER_BYTES = 20 * 2**20
#: Archives of archives (a year of daily zips) are opened this many levels deep.
MAX_ZIP_DEPTH = 3


@dataclass(frozen=True, slots=True)
class RawFile:
    """One raw page file: its name (a path, which may carry the edition date) and bytes."""

    name: str
    data: bytes | None
    error: str = ""  # why it could not be read; data is None then


def is_raw_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in RAW_SUFFIXES


def _read(path: Path, name: str) -> RawFile:
    """Read a regular file of sane size; anything else is a RawFile carrying why not.

    A named pipe or a device would block or never end, and a huge file would be
    read whole into memory, so both are refused before reading.
    """
    try:
        # stat before open: opening a named pipe already blocks.
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return RawFile(name, None, "not a regular file")
        if info.st_size > MAX_MEMBER_BYTES:
            return RawFile(name, None, f"too large for a raw page ({info.st_size} bytes)")
        return RawFile(name, path.read_bytes())
    except OSError as exc:
        return RawFile(name, None, exc.strerror or str(exc))


def _walk(folder: Path) -> Iterator[Path]:
    """Raw files below a folder in a stable, sorted order (dated folders come in date order)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if is_raw_name(filename) and not filename.startswith("."):
                yield Path(root) / filename


def _is_zip_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() == ".zip"


def iter_zip(data: bytes | io.IOBase, name: str, depth: int = 1) -> Iterator[RawFile]:
    """The raw page members of a zip archive, named ``archive.zip/member/path``.

    Zips inside the zip are opened too (to ``MAX_ZIP_DEPTH``), so a year of daily
    archives zipped together imports whole instead of being skipped in silence.
    """
    if depth > MAX_ZIP_DEPTH:
        yield RawFile(name, None, f"zip archives nested too deep (over {MAX_ZIP_DEPTH})")
        return
    try:
        archive = zipfile.ZipFile(data if not isinstance(data, bytes) else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield RawFile(name, None, f"not a readable zip archive ({exc})")
        return
    with archive:
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir()),
            key=lambda info: info.filename,
        )
        for info in members:
            member = info.filename
            is_zip = _is_zip_name(member)
            if not (is_raw_name(member) or is_zip) or PurePosixPath(member).name.startswith("."):
                continue
            full_name = f"{name}/{member}"
            if info.file_size > MAX_MEMBER_BYTES:
                yield RawFile(full_name, None, f"too large for a raw page ({info.file_size} bytes)")
                continue
            try:
                content = archive.read(info)
            # A damaged or exotic member raises whatever its decompressor raises
            # (zlib.error, NotImplementedError for deflate64, EOFError...): it is
            # one unreadable file, never the end of the run.
            except Exception as exc:
                reason = " ".join(str(exc).split()) or type(exc).__name__
                yield RawFile(full_name, None, f"cannot extract from the archive ({reason})")
                continue
            if is_zip:
                yield from iter_zip(content, full_name, depth + 1)
            else:
                yield RawFile(full_name, content)


def iter_path_sources(paths: Iterable[str | os.PathLike]) -> Iterator[RawFile]:
    """Files, folders (searched for .txt/.htm/.html) and .zip archives given on the command line."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                yield _read(file, str(file))
        elif _is_zip_name(path.name) and path.is_file():
            try:
                with path.open("rb") as handle:
                    yield from iter_zip(handle, str(path))
            except OSError as exc:
                yield RawFile(str(path), None, exc.strerror or str(exc))
        elif path.exists():
            yield _read(path, str(path))
        else:
            yield RawFile(str(path), None, "no such file or directory")


def iter_uploaded_sources(uploads: Iterable) -> Iterator[RawFile]:
    """Files uploaded through the admin (Django UploadedFile objects); zips are opened."""
    for upload in uploads:
        name = upload.name
        if _is_zip_name(name):
            yield from iter_zip(upload.read(), name)
        else:
            yield RawFile(name, upload.read())
