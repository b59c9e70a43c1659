"""Finding raw page files: folders, archives, uploads, and what cannot be read."""

import io
import os
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from editions import sources
from editions.sources import iter_path_sources, iter_uploaded_sources


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
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
