"""Finding raw page files: folders, archives, uploads, and what cannot be read."""

import io
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
