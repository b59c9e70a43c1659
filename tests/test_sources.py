"""Finding raw page files: folders, archives, uploads, and what cannot be read."""

import io
import os
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from editions import sources
from editions.sources import iter_path_sources, iter_uploaded_sources, iter_zip


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_folders_are_searched_in_sorted_order_for_raw_files_only(tmp_path):
    for name in [
        "2024-08-02/b.txt",
        "2024-08-01/z.htm",
        "2024-08-01/a.HTML",
        "notes.md",
        ".hidden/x.txt",
        "2024-08-01/.swap.txt",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    names = [raw.name for raw in iter_path_sources([tmp_path])]
    assert names == [
        str(tmp_path / "2024-08-01/a.HTML"),
        str(tmp_path / "2024-08-01/z.htm"),
        str(tmp_path / "2024-08-02/b.txt"),
    ]


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tmp_path):
    path = tmp_path / "page.dat"
    path.write_bytes(b"data")
    assert [raw.data for raw in iter_path_sources([path])] == [b"data"]


def test_missing_and_unreadable_paths_carry_their_reason(tmp_path):
    (raw,) = iter_path_sources([tmp_path / "nope.txt"])
    assert raw.data is None
    assert raw.error == "no such file or directory"


def test_zip_members_are_named_after_the_archive(tmp_path):
    archive = tmp_path / "day.zip"
    archive.write_bytes(_zip({"2024-08-02/p1.txt": b"one", "readme.md": b"no"}))
    (raw,) = iter_path_sources([archive])
    assert raw.name == f"{archive}/2024-08-02/p1.txt"
    assert raw.data == b"one"


def test_a_broken_zip_is_one_failure_not_a_crash(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 definitely not a zip")
    (raw,) = iter_path_sources([archive])
    assert raw.data is None
    assert "not a readable zip archive" in raw.error


def test_oversized_zip_members_are_refused_unread(monkeypatch):
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 10)
    upload = SimpleUploadedFile("day.zip", _zip({"big.txt": b"x" * 11, "ok.txt": b"small"}))
    results = {raw.name: raw for raw in iter_uploaded_sources([upload])}
    assert results["day.zip/big.txt"].data is None
    assert "too large" in results["day.zip/big.txt"].error
    assert results["day.zip/ok.txt"].data == b"small"


def test_uploads_yield_one_raw_file_each():
    uploads = [SimpleUploadedFile("p1.txt", b"one"), SimpleUploadedFile("p2.htm", b"two")]
    assert [(r.name, r.data) for r in iter_uploaded_sources(uploads)] == [
        ("p1.txt", b"one"),
        ("p2.htm", b"two"),
    ]


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "2024-08-02" / "p.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    (raw,) = iter_path_sources([tmp_path])
    assert raw.data is None
    assert raw.error == "not a regular file"
    (raw,) = iter_path_sources([fifo])
    assert raw.error == "not a regular file"


def test_an_oversized_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    (raw,) = iter_path_sources([path])
    assert raw.data is None
    assert "too large" in raw.error


def test_a_symlink_loop_is_one_failure(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    (raw,) = iter_path_sources([tmp_path])
    assert raw.data is None
    assert raw.error


def test_a_folder_named_like_a_page_is_searched_not_read(tmp_path):
    (tmp_path / "p.txt").mkdir()
    (tmp_path / "p.txt" / "inner.txt").write_bytes(b"one")
    assert [raw.data for raw in iter_path_sources([tmp_path / "p.txt"])] == [b"one"]


def test_zips_inside_a_zip_are_opened(tmp_path):
    inner = _zip({"2024-08-02/p1.txt": b"one"})
    archive = tmp_path / "year.zip"
    archive.write_bytes(_zip({"2024-08-02.zip": inner, "top.txt": b"two"}))
    names = {raw.name: raw.data for raw in iter_path_sources([archive])}
    assert names == {
        f"{archive}/2024-08-02.zip/2024-08-02/p1.txt": b"one",
        f"{archive}/top.txt": b"two",
    }


def test_zips_nested_too_deep_are_refused(tmp_path):
    data = _zip({"p.txt": b"x"})
    for _ in range(sources.MAX_ZIP_DEPTH + 1):
        data = _zip({"inner.zip": data})
    (tmp_path / "deep.zip").write_bytes(data)
    (raw,) = iter_path_sources([tmp_path / "deep.zip"])
    assert raw.data is None
    assert "nested too deep" in raw.error


def test_a_corrupt_member_is_one_failure_not_a_crash(tmp_path):
    data = bytearray(_zip({"p.txt": b"0123456789" * 100}))
    start = data.index(b"p.txt") + len(b"p.txt")  # the deflated bytes follow the local header
    data[start + 2 : start + 12] = b"\xff" * 10
    (tmp_path / "bad.zip").write_bytes(bytes(data))
    (raw,) = iter_path_sources([tmp_path / "bad.zip"])
    assert raw.data is None
    assert "cannot extract" in raw.error


def test_an_unsupported_compression_is_one_failure_not_a_crash(tmp_path):
    data = bytearray(_zip({"p.txt": b"text"}))
    # Compression method 9 (deflate64) in both headers: zipfile cannot read it.
    for header, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(header) + offset
        data[at : at + 2] = (9).to_bytes(2, "little")
    (tmp_path / "d64.zip").write_bytes(bytes(data))
    (raw,) = iter_path_sources([tmp_path / "d64.zip"])
    assert raw.data is None
    assert "cannot extract" in raw.error


# --- members whose header lies, and archives that unpack to too much -----------------

#: What a hostile member really unpacks to; its header says a hundred bytes.
BOMB_BYTES = 48 * 2**20
#: Reading must stay far below the bomb: one chunk, a decompressor's own state
#: (LZMA's dictionary is 8 MiB) and the bookkeeping of tracemalloc itself.
PEAK_BOUND = 16 * 2**20
METHODS = {
    "stored": zipfile.ZIP_STORED,
    "deflated": zipfile.ZIP_DEFLATED,
    "bzip2": zipfile.ZIP_BZIP2,
    "lzma": zipfile.ZIP_LZMA,
}
# Where the CRC and the sizes sit in a local file header and a central directory entry,
# and where the member's name starts after them.
LOCAL = (b"PK\x03\x04", {"flags": 6, "crc": 14, "size": 22}, 30)
CENTRAL = (b"PK\x01\x02", {"flags": 8, "crc": 16, "size": 24}, 46)


def _patch_headers(data: bytearray, name: bytes, **fields: int) -> None:
    """Overwrite fields of both headers of the member ``name`` (the 2-byte flags, or 4 bytes)."""
    for signature, offsets, name_at in (LOCAL, CENTRAL):
        at = data.find(signature)
        while at >= 0 and data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        assert at >= 0, f"no {signature!r} header for {name!r}"
        for field, value in fields.items():
            width = 2 if field == "flags" else 4
            data[at + offsets[field] : at + offsets[field] + width] = value.to_bytes(
                width, "little"
            )


def _lying_zip(method: int, unpacked: int = BOMB_BYTES, declared: int = 100) -> bytes:
    """A zip of ``big.txt`` (zeros whose header declares ``declared`` bytes, with a CRC to
    match them, so zipfile's own reading stops there) and an honest ``ok.txt``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        with archive.open("big.txt", "w") as member:
            block = bytes(2**20)
            for _ in range(unpacked // len(block)):
                member.write(block)
            member.write(bytes(unpacked % len(block)))
        archive.writestr("ok.txt", b"fine")
    data = bytearray(buffer.getvalue())
    _patch_headers(data, b"big.txt", size=declared, crc=zlib.crc32(bytes(declared)))
    return bytes(data)


def _peak(function):
    """What ``function()`` returns, and the most memory Python had allocated meanwhile."""
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", METHODS.values(), ids=METHODS.keys())
def test_a_member_that_unpacks_past_its_declared_size_is_refused_while_reading(tmp_path, method):
    path = tmp_path / "bomb.zip"
    path.write_bytes(_lying_zip(method))
    results, peak = _peak(lambda: {raw.name: raw for raw in iter_path_sources([path])})
    bomb = results[f"{path}/big.txt"]
    assert bomb.data is None
    assert "more than the 100 bytes its header declares" in bomb.error
    assert results[f"{path}/ok.txt"].data == b"fine"
    assert peak < PEAK_BOUND, f"{peak} bytes held to refuse a lying member"


@pytest.mark.parametrize("method", METHODS.values(), ids=METHODS.keys())
def test_an_honest_member_of_every_method_still_unpacks(method):
    page = "第一版 要闻\n".encode() * 5000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("2024-08-02/p1.txt", page)
    (raw,) = iter_uploaded_sources([SimpleUploadedFile("day.zip", buffer.getvalue())])
    assert (raw.error, raw.data) == ("", page)


def test_a_zip_inside_a_zip_is_bounded_too(tmp_path):
    inner = _lying_zip(zipfile.ZIP_BZIP2)
    path = tmp_path / "year.zip"
    path.write_bytes(_zip({"2024-08-02.zip": inner, "top.txt": b"two"}))
    results, peak = _peak(lambda: {raw.name: raw for raw in iter_path_sources([path])})
    assert "its header declares" in results[f"{path}/2024-08-02.zip/big.txt"].error
    assert results[f"{path}/2024-08-02.zip/ok.txt"].data == b"fine"
    assert results[f"{path}/top.txt"].data == b"two"
    assert peak < PEAK_BOUND


def test_an_inner_zip_that_lies_about_its_size_is_refused(tmp_path):
    inner = _zip({f"p{n}.txt": os.urandom(2000) for n in range(5)})
    data = bytearray(_zip({"inner.zip": inner, "top.txt": b"two"}))
    _patch_headers(data, b"inner.zip", size=1000, crc=zlib.crc32(inner[:1000]))
    path = tmp_path / "year.zip"
    path.write_bytes(bytes(data))
    results = {raw.name: raw for raw in iter_path_sources([path])}
    assert results.keys() == {f"{path}/inner.zip", f"{path}/top.txt"}
    assert "more than the 1000 bytes its header declares" in results[f"{path}/inner.zip"].error
    assert results[f"{path}/top.txt"].data == b"two"


def test_an_archive_is_refused_past_its_total_unpacked_size(monkeypatch):
    monkeypatch.setattr(sources, "MAX_ARCHIVE_BYTES", 10_000)
    members = {"a.txt": b"a" * 6000, "b.txt": b"b" * 3000, "c.txt": b"c" * 3000, "d.txt": b"d"}
    results = list(iter_uploaded_sources([SimpleUploadedFile("day.zip", _zip(members))]))
    assert [(raw.name, raw.data is not None) for raw in results] == [
        ("day.zip/a.txt", True),
        ("day.zip/b.txt", True),
        ("day.zip/c.txt", False),
        ("day.zip/d.txt", False),
    ]
    assert results[2].error == (
        "not extracted: the archive unpacks to more than 10000 bytes in all"
    )
    assert results[3].error == results[2].error


def test_the_total_counts_the_zips_inside_a_zip(monkeypatch):
    monkeypatch.setattr(sources, "MAX_ARCHIVE_BYTES", 10_000)
    inner = _zip({"p1.txt": b"1" * 3000, "p2.txt": b"2" * 3000}, zipfile.ZIP_STORED)
    assert 6000 < len(inner) < 7000
    outer = _zip({"a.zip": inner, "b.txt": b"b"})
    upload = SimpleUploadedFile("y.zip", outer)
    results = {raw.name: raw for raw in iter_uploaded_sources([upload])}
    # The inner zip unpacked from the outer one is counted, then its pages: the
    # second page would pass 10 000 bytes, and so would the outer archive's last member.
    assert results["y.zip/a.zip/p1.txt"].data == b"1" * 3000
    assert "the archive unpacks to more than 10000 bytes" in results["y.zip/a.zip/p2.txt"].error
    assert "the archive unpacks to more than 10000 bytes" in results["y.zip/b.txt"].error


def test_a_file_that_grows_after_it_was_looked_at_is_refused_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 10)
    path = tmp_path / "p.txt"
    path.write_bytes(b"x" * 11)
    real_stat = Path.stat

    def stat_taken_before_it_grew(self, **kwargs):
        info = real_stat(self, **kwargs)
        fields = list(info)
        fields[6] = 5  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(Path, "stat", stat_taken_before_it_grew)
    (raw,) = iter_path_sources([path])
    assert raw.data is None
    assert raw.error == "too large for a raw page (over 10 bytes)"


def test_an_oversized_upload_is_refused():
    upload = SimpleUploadedFile("p1.txt", b"x" * 11)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "MAX_MEMBER_BYTES", 10)
        (raw,) = iter_uploaded_sources([upload])
    assert raw.data is None
    assert "too large" in raw.error


# --- names that are not plain text ---------------------------------------------------


def test_member_names_with_nul_or_control_characters_are_shown_escaped():
    data = bytearray(_zip({"pN.txt": b"one", "p.txtN.exe": b"two", "pE[31m.txt": b"three"}))
    data = bytearray(data.replace(b"pN.txt", b"p\x00.txt").replace(b"p.txtN", b"p.txt\x00"))
    data = bytearray(data.replace(b"pE[31m", b"p\x1b[31m"))
    results = {raw.name: raw.data for raw in iter_zip(bytes(data), "day.zip")}
    # zipfile cuts a name at its NUL: "p.txt\0.exe" must not pass for "p.txt".
    assert results == {"day.zip/p\\x00.txt": b"one", "day.zip/p\\x1b[31m.txt": b"three"}


def test_member_names_not_flagged_utf8_are_decoded_safely():
    data = bytearray(_zip({"第一版.txt": b"one", "pXX.txt": b"two"}))
    _patch_headers(data, "第一版.txt".encode(), flags=0)  # UTF-8, but not flagged so
    data = bytearray(data.replace(b"pXX.txt", b"p\xff\xfe.txt"))  # neither UTF-8 nor flagged
    names = [raw.name for raw in iter_zip(bytes(data), "day.zip")]
    assert names == ["day.zip/p\u00a0■.txt", "day.zip/第一版.txt"]


def test_a_member_name_flagged_utf8_that_is_not_is_one_failure_not_a_crash():
    data = _zip({"第一版.txt": b"one"}).replace("第一版".encode(), b"\xff" * 9)
    (raw,) = iter_zip(data, "day.zip")
    assert raw.data is None
    assert raw.error.startswith("not a readable zip archive (")
    assert raw.error.isprintable()


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"p\xff.txt"), "wb") as handle:
        handle.write(b"one")
    (raw,) = iter_path_sources([tmp_path])
    assert raw.name == f"{tmp_path}/p\\xff.txt"
    assert raw.data == b"one"
    raw.name.encode("utf-8")  # a report, a log or a database can take it


@pytest.mark.parametrize(
    "name",
    [
        *("a.txt", "d/X.JPG", ".jpg", "d/.jpg", "a.", "..", "a..jpg", "a/b.txt/", "a/b.txt/."),
        *("a\\b.htm", "", ".", "/", "x.tar.gz", "dir.d/file", "a/./b.html", "版面.JPEG"),
        *("...", "a/...pdf"),
    ],
)
def test_a_name_has_the_suffix_a_path_would_give_it(name):
    from pathlib import PurePosixPath

    from editions.sources import _suffix

    assert _suffix(name) == PurePosixPath(name).suffix.lower()
