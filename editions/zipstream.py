"""Reading zip members from their compressed bytes, a bounded chunk at a time.

zipfile itself unpacks a whole bzip2 or LZMA chunk at once whatever size it is asked
for, and trusts the sizes a member's header declares; :mod:`editions.sources` counts
every byte it unpacks instead, through these.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

#: The most bytes one step of reading or unpacking produces.
CHUNK_BYTES = 64 * 2**10


class _Inflater:
    """zlib's raw deflate, with the ``needs_input`` of bz2's and lzma's decompressors."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(-15)
        self.needs_input = True

    @property
    def eof(self) -> bool:
        return self._zlib.eof

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = self._zlib.decompress(self._zlib.unconsumed_tail + data, max_length)
        # A full buffer may leave output inside zlib even when all input is taken.
        self.needs_input = not self._zlib.unconsumed_tail and len(out) < max_length
        return out


def _lzma_decompressor(stream: IO[bytes]) -> lzma.LZMADecompressor:
    """A zip's LZMA member: version (2 bytes), properties' size (2), properties, raw LZMA1."""
    head = stream.read(4)
    size = int.from_bytes(head[2:4], "little") if len(head) == 4 else 0
    props = stream.read(size) if size == 5 else b""
    if len(props) != 5 or props[0] >= 9 * 5 * 5:
        raise lzma.LZMAError("bad LZMA properties")
    literal_context, rest = props[0] % 9, props[0] // 9
    filters = {
        "id": lzma.FILTER_LZMA1,
        "lc": literal_context,
        "lp": rest % 5,
        "pb": rest // 5,
        "dict_size": int.from_bytes(props[1:5], "little"),
    }
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[filters])


def _decompressor(method: int, stream: IO[bytes]):
    if method == zipfile.ZIP_DEFLATED:
        return _Inflater()
    if method == zipfile.ZIP_BZIP2:
        return bz2.BZ2Decompressor()
    if method == zipfile.ZIP_LZMA:
        return _lzma_decompressor(stream)
    described = zipfile.compressor_names.get(method)
    raise NotImplementedError(
        f"compression type {method}" + (f" ({described})" if described else "")
    )


def _compressed_view(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A ZipInfo through which ``ZipFile.open`` gives the member's compressed bytes as they are.

    It has no CRC, for zipfile to check none: the unpacked bytes are checked here.
    """
    view = zipfile.ZipInfo(info.orig_filename, info.date_time)
    view.orig_filename = info.orig_filename
    view.flag_bits = info.flag_bits
    view.header_offset = info.header_offset
    view.compress_type = zipfile.ZIP_STORED
    view.compress_size = view.file_size = info.compress_size
    return view


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, CHUNK_BYTES at most at a time, whatever its header says of its size."""
    with archive.open(_compressed_view(info)) as stream:
        if info.compress_type == zipfile.ZIP_STORED:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
            return
        decompressor = _decompressor(info.compress_type, stream)
        while not decompressor.eof:
            data = b""
            if decompressor.needs_input:
                data = stream.read(CHUNK_BYTES)
                if not data:
                    return  # truncated: the CRC tells
            if chunk := decompressor.decompress(data, CHUNK_BYTES):
                yield chunk


class _Unclosed(io.BufferedIOBase):
    """A view of a spooled file that its reader may close without closing the spool."""

    def __init__(self, raw) -> None:
        super().__init__()
        self._raw = raw

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._raw.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()
