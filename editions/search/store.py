"""Writing the index: documents in, segments of postings out, small segments merged.

Three tables (:mod:`.names`), the same on both databases:

* the *entries*: one per indexed article, under its document number (see
  :mod:`.documents`), with the runs every match is checked on;
* the *segments*: one per batch written, with the numbers of its documents;
* the *postings*: one row per segment and bucket (``segment << 16 | bucket``).

A segment is never changed once written. A changed article gets a new number in a
new segment and its entry moves there; a deleted one's number is retired
(:data:`.names.RETIRE`: by SQLite's delete trigger at once, on PostgreSQL by the
flush of the queue its trigger fills). What its old segment
still says of the old number is then *garbage*: harmless, since every candidate is
checked against the entries and a retired number is never given again, and gone
when the segment is merged or the index rebuilt.

Every write makes a segment, an editor's correction one of a single document, so
small segments are merged as they pile up (:func:`merge_small`): eight of a size
class become one of the next, as in a log-structured merge, so there are never
more than a few dozen segments to read and a merge costs little per document.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from collections.abc import Sequence

from . import postings
from .documents import DAY_BITS, DAY_SIZE, Document, document
from .names import ENTRY, POSTING, SEGMENT, retire

ENTRY_COLUMNS = (
    "docno",
    "article_id",
    "page_id",
    "edition_id",
    "digest",
    "indexed_at",
    "head",
    "body",
)
_CHUNK = 500
#: Segments of fewer documents than this are merged, eight of a size class at once:
#: a merged segment holds at most 8,192 documents (cutting one takes about 30 bytes of
#: memory per character and pair: 500 MB at most; a rebuild's hold twice as many).
MERGE_BELOW = 1025
MERGE_FANOUT = 8


def size_class(documents: int) -> int:
    """0 for 1-7 documents, 1 for 8-63, 2 for 64-511 ... (powers of eight)."""
    return (max(documents, 1).bit_length() - 1) // 3


class Numbers:
    """Hands out document numbers, the next free one of each day.

    Each day's highest number (retired ones included) is read once, then counted in
    memory. A day whose numbers run out (16,384 versions of its articles written
    since the last rebuild) takes the free ones below, if any.
    """

    def __init__(self, cursor, backend, suffix: str = ""):
        self.cursor, self.backend, self.suffix = cursor, backend, suffix
        self.next: dict[int, int] = {}
        self.free: dict[int, list[int]] = {}
        self.given: set[int] = set()

    def _first_free(self, day: int) -> int:
        self.cursor.execute(
            f"SELECT max(docno) FROM {ENTRY}{self.suffix} WHERE docno >= %s AND docno < %s",
            [day << DAY_BITS, (day + 1) << DAY_BITS],
        )
        highest = self.cursor.fetchone()[0]
        return (day << DAY_BITS) if highest is None else highest + 1

    def take(self, day: int) -> int:
        if day in self.free:
            return self._reuse(day)
        number = self.next.get(day)
        if number is None:
            number = self._first_free(day)
        if number >= (day + 1) << DAY_BITS:
            return self._reuse(day)
        self.next[day] = number + 1
        self.given.add(number)
        return number

    def _reuse(self, day: int) -> int:
        if day not in self.free:
            self.cursor.execute(
                f"SELECT docno FROM {ENTRY}{self.suffix} WHERE docno >= %s AND docno < %s",
                [day << DAY_BITS, (day + 1) << DAY_BITS],
            )
            used = {row[0] for row in self.cursor.fetchall()}
            first = day << DAY_BITS
            self.free[day] = [
                n
                for n in range(first + DAY_SIZE - 1, first - 1, -1)
                if n not in used and n not in self.given
            ]
        if not self.free[day]:
            raise OverflowError(
                f"More than {DAY_SIZE} articles are indexed under one day; "
                "run `manage.py rebuild_search_index`."
            )
        number = self.free[day].pop()
        self.given.add(number)
        return number


def _existing(cursor, backend, docs: Sequence[Document], suffix: str) -> dict:
    found = {}
    ids = [doc.article_id for doc in docs]
    for start in range(0, len(ids), _CHUNK):
        condition, params = backend.among("article_id", ids[start : start + _CHUNK])
        cursor.execute(
            f"SELECT article_id, docno, page_id, edition_id, digest FROM {ENTRY}{suffix} "
            f"WHERE {condition}",
            params,
        )
        found.update((row[0], row[1:]) for row in cursor.fetchall())
    return found


def write(
    cursor,
    backend,
    docs: Sequence[Document],
    suffix: str = "",
) -> int:
    """Add or replace the documents; unchanged ones are left alone. Returns how many
    were written. An article moved to another page is written anew, under a new
    number: a search checks what readers may see of it on its page
    (:class:`.scan.Reader`), so the entry must name the page it is on."""
    existing = _existing(cursor, backend, docs, suffix)
    changed = []
    for doc in docs:
        old = existing.get(doc.article_id)
        if (
            old is not None
            and old[1:] == (doc.page_id, doc.edition_id, doc.digest)
            and old[0] >> DAY_BITS == doc.day
        ):
            continue
        changed.append(doc)
    if not changed:
        return 0
    replaced = [doc.article_id for doc in changed if doc.article_id in existing]
    remove(cursor, backend, replaced, suffix)
    numbers = Numbers(cursor, backend, suffix)
    numbered = sorted((numbers.take(doc.day), doc) for doc in changed)
    insert(cursor, backend, numbered, segments(numbered), suffix)
    return len(changed)


def segments(numbered: list[tuple[int, Document]]) -> list[postings.Segment]:
    """The segments of these documents (ascending numbers): no database needed, so
    a rebuild cuts them in other processes (:mod:`.rebuild`)."""
    return [
        postings.build(
            [number for number, _ in part], [d.head for _, d in part], [d.body for _, d in part]
        )
        for start in range(0, len(numbered), postings.MAX_DOCUMENTS)
        for part in [numbered[start : start + postings.MAX_DOCUMENTS]]
    ]


def cut(job: tuple[list[int], list[tuple]]) -> tuple[list[tuple[int, Document]], list]:
    """Documents and segments of article rows (:data:`.documents.SOURCE_FIELDS`) under
    the numbers given: the CPU's share of indexing, run by a rebuild's workers."""
    numbers, rows = job
    numbered = sorted(zip(numbers, map(document, rows), strict=True), key=lambda pair: pair[0])
    return numbered, segments(numbered)


def insert(
    cursor, backend, numbered: list[tuple[int, Document]], cut: list[postings.Segment], suffix=""
) -> None:
    """Write the entries of these documents and their segments."""
    now = time.time()
    backend.insert_rows(
        cursor,
        f"{ENTRY}{suffix}",
        ENTRY_COLUMNS,
        [
            (number, d.article_id, d.page_id, d.edition_id, d.digest, now, d.head, d.body)
            for number, d in numbered
        ],
    )
    for segment in cut:
        _store(cursor, backend, segment, suffix)


def _store(cursor, backend, segment: postings.Segment, suffix: str) -> int:
    number = backend.next_segment(cursor, suffix)
    backend.insert_rows(
        cursor,
        f"{SEGMENT}{suffix}",
        ("id", "documents", "low", "high", "buckets", "stamp", "map"),
        [
            (
                number,
                segment.documents,
                segment.low,
                segment.high,
                segment.buckets,
                secrets.randbits(62),  # with the number, names the map readers keep
                segment.map,
            )
        ],
    )
    backend.insert_rows(
        cursor,
        f"{POSTING}{suffix}",
        ("id", "data"),
        [(number << 16 | bucket, data) for bucket, data in segment.rows],
    )
    return number


def _drop_segments(cursor, numbers: Sequence[int], suffix: str) -> None:
    for number in numbers:
        cursor.execute(
            f"DELETE FROM {POSTING}{suffix} WHERE id >= %s AND id < %s",
            [number << 16, (number + 1) << 16],
        )
        cursor.execute(f"DELETE FROM {SEGMENT}{suffix} WHERE id = %s", [number])


def merge_small(cursor, backend, suffix: str = "", *, below: int = MERGE_BELOW) -> int:
    """Merge segments of fewer than ``below`` documents, eight of a size class into
    one, until no class holds eight; returns how many merges were made.

    The merged segment is cut from the entries' runs (no article is read again),
    of the live documents only: the garbage of the old segments goes with them.
    """
    merges = 0
    while True:
        cursor.execute(
            f"SELECT id, documents FROM {SEGMENT}{suffix} WHERE documents < %s ORDER BY id",
            [below],
        )
        classes: dict[int, list[int]] = defaultdict(list)
        for number, documents in cursor.fetchall():
            classes[size_class(documents)].append(number)
        full = [members for _, members in sorted(classes.items()) if len(members) >= MERGE_FANOUT]
        if not full:
            return merges
        members = full[0][:MERGE_FANOUT]
        condition, params = backend.among("id", members)
        cursor.execute(f"SELECT map FROM {SEGMENT}{suffix} WHERE {condition}", params)
        listed = sorted(
            {int(n) for (raw,) in cursor.fetchall() for n in postings.document_map(bytes(raw))}
        )
        live = []
        for start in range(0, len(listed), 5000):
            condition, params = backend.among("docno", listed[start : start + 5000])
            cursor.execute(
                f"SELECT docno, head, body FROM {ENTRY}{suffix} "
                f"WHERE {condition} AND article_id IS NOT NULL",
                params,
            )
            live.extend(cursor.fetchall())
        live.sort()
        _drop_segments(cursor, members, suffix)
        if live:
            segment = postings.build(
                [row[0] for row in live], [row[1] for row in live], [row[2] for row in live]
            )
            _store(cursor, backend, segment, suffix)
        merges += 1


def remove(cursor, backend, article_ids: Sequence[int], suffix: str = "") -> None:
    """Take these articles out: their numbers are retired (:data:`.names.RETIRE`), their
    postings garbage until a merge."""
    ids = list(article_ids)
    statement = retire(f"{ENTRY}{suffix}")
    for start in range(0, len(ids), _CHUNK):
        condition, params = backend.among("article_id", ids[start : start + _CHUNK])
        cursor.execute(f"{statement} WHERE {condition}", params)
