"""Reading the index: candidates from the postings, checked in SQL, in number order.

A scan walks the segments from the newest documents down (or the oldest up),
takes the candidates their postings give, and has the database check them in
number order, a chunk at a time: the words as substrings of the stored runs
(exact, whatever the postings said), the article still indexed under that number,
and every filter of the caller's queryset (a correlated ``EXISTS``). It stops as
soon as it has what was asked, so "the newest 21 of a million matches" reads the
newest segment's postings and checks a few dozen rows.

A candidate is final once no segment left to read can hold a number above it
(below it, oldest first); segments are read in growing groups (:data:`FIRST_READ`
documents, then four times as many each time), so a common word costs one read
and a rare one a few.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

import numpy as np

from . import postings
from .names import ENTRY, POSTING, SEGMENT
from .query import Query, Term

#: Documents whose postings are read at first (a segment at least); then 4x more each time.
FIRST_READ = 20_000
#: Document numbers checked per query at least (the first check: what is asked and
#: an eighth more; then as many as the share that passed says are needed).
FIRST_CHUNK = 32
LAST_CHUNK = 8192

#: Segment maps by (number, stamp): a segment never changes, and its random stamp
#: tells it from one given the same number after a rollback.
_maps: OrderedDict[tuple[int, int], np.ndarray] = OrderedDict()
_maps_lock = Lock()
#: Document numbers of segment maps kept per process (4 bytes each).
MAPS_KEPT = 4_000_000


@dataclass(frozen=True)
class Need:
    """What one scan looks for.

    ``groups``: every group must be met; a group is met by any of its
    alternatives; an alternative lists tokens that must all be present. ``check``:
    the SQL condition (on the entry ``e``) that decides, with its parameters.
    """

    groups: tuple[tuple[tuple[int, ...], ...], ...]
    check: tuple[str, list]

    @property
    def tokens(self) -> set[int]:
        return {t for group in self.groups for alt in group for t in alt}


def _has(backend, strings, columns=("e.head", "e.body")) -> tuple[str, list]:
    parts = [backend.contains(column) for string in strings for column in columns]
    params = [string for string in strings for _ in columns]
    return "(" + " OR ".join(parts) + ")", params


def _and(parts: list[tuple[str, list]]) -> tuple[str, list]:
    sql = " AND ".join(sql for sql, _ in parts) or "1 = 1"
    return f"({sql})", [p for _, params in parts for p in params]


def _not(part: tuple[str, list]) -> tuple[str, list]:
    return f"NOT {part[0]}", part[1]


def _group(term: Term, *, head: bool = False) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(postings.string_tokens(alt, head=head)) for alt in term.alternatives)


def _exact(term: Term) -> bool:
    """Whether the postings alone decide ``term``: one or two characters, whose token
    lists exactly the documents holding them (numbers are never reused: see
    :data:`.names.RETIRE`)."""
    return all(len(alt.replace(" ", "")) <= 2 for alt in term.alternatives)


def match_need(backend, query: Query, *, text: bool = False) -> Need:
    """Every word, none of the excluded ones. The words the postings decide alone
    (:func:`_exact`: most Chinese queries) are not checked again on the text, unless
    ``text`` (a check with no postings before it)."""
    check = _and(
        [_has(backend, t.alternatives) for t in query.terms if text or not _exact(t)]
        + [_not(_has(backend, t.alternatives)) for t in query.excluded]
    )
    return Need(tuple(_group(t) for t in query.terms), check)


def tier_needs(backend, query: Query) -> list[tuple[int, Need]]:
    """(tier, need) from the best tier down; each matches only its own articles.

    2: every word in the kicker, title or subtitle; 1: the words standing together
    in the order typed; 0: the other matches.
    """
    match = match_need(backend, query)
    in_head = _and([_has(backend, t.alternatives, ("e.head",)) for t in query.terms])
    tiers = [
        (2, Need(tuple(_group(t, head=True) for t in query.terms), _and([match.check, in_head])))
    ]
    rest = [match.check, _not(in_head)]
    if query.together:
        together = _has(backend, query.together)
        groups = (tuple(tuple(postings.string_tokens(s)) for s in query.together),)
        tiers.append((1, Need(groups, _and([*rest, together]))))
        rest.append(_not(together))
    tiers.append((0, Need(match.groups, _and(rest))))
    return tiers


@dataclass(frozen=True)
class SegmentRow:
    id: int
    low: int
    high: int
    buckets: int
    stamp: int
    documents: int


class Reader:
    """One search's view of the index within the numbers [low, high): its segments,
    read once, and the posting rows read so far (a search's tiers and its facets
    share them). Every tier's tokens are read together, so the first tier's reads
    serve the rest."""

    def __init__(self, backend, low: int, high: int, needs: list[Need]):
        self.backend, self.low, self.high = backend, low, high
        self.tokens = sorted({t for need in needs for t in need.tokens})
        self.segments: list[SegmentRow] | None = None
        self.rows: dict[int, bytes | None] = {}

    def load(self, cursor) -> list[SegmentRow]:
        if self.segments is None:
            cursor.execute(
                f"SELECT id, low, high, buckets, stamp, documents FROM {SEGMENT} "
                "WHERE high >= %s AND low < %s",
                [self.low, self.high],
            )
            self.segments = [SegmentRow(*row) for row in cursor.fetchall()]
        return self.segments

    def _maps(self, cursor, segments: list[SegmentRow]) -> dict[int, np.ndarray]:
        with _maps_lock:
            found = {s.id: _maps[s.id, s.stamp] for s in segments if (s.id, s.stamp) in _maps}
        missing = {s.id: s.stamp for s in segments if s.id not in found}
        if missing:
            condition, params = self.backend.among("id", missing)
            cursor.execute(f"SELECT id, stamp, map FROM {SEGMENT} WHERE {condition}", params)
            loaded = {
                (n, stamp): postings.document_map(bytes(raw)) for n, stamp, raw in cursor.fetchall()
            }
            with _maps_lock:
                _maps.update(loaded)
                kept = sum(len(m) for m in _maps.values())
                while kept > MAPS_KEPT and len(_maps) > 1:
                    kept -= len(_maps.popitem(last=False)[1])
            found.update((n, m) for (n, _), m in loaded.items())
        return found

    def _read(self, cursor, segments: list[SegmentRow]) -> None:
        wanted = {
            s.id << 16 | postings.bucket(token, s.buckets)
            for s in segments
            for token in self.tokens
        }
        wanted -= self.rows.keys()
        if wanted:
            condition, params = self.backend.among("id", wanted)
            cursor.execute(f"SELECT id, data FROM {POSTING} WHERE {condition}", params)
            self.rows.update(dict.fromkeys(wanted))
            self.rows.update((n, bytes(data)) for n, data in cursor.fetchall())

    def candidates(
        self, cursor, segments: list[SegmentRow], need: Need, low: int, high: int
    ) -> np.ndarray:
        """The numbers in [low, high) the postings of ``segments`` give for ``need``."""
        if not segments:
            return np.zeros(0, dtype=np.int64)
        self._read(cursor, segments)
        found = []
        hits = {}
        for s in segments:
            here = _evaluate(need, lambda token, s=s: self._listed(s, token))
            if here is not None and len(here):
                hits[s.id] = here
        if hits:
            maps = self._maps(cursor, [s for s in segments if s.id in hits])
            found = [maps[n][here.astype(np.int64)] for n, here in hits.items()]
        if not found:
            return np.zeros(0, dtype=np.int64)
        numbers = _distinct(np.concatenate(found).astype(np.int64))
        return numbers[(numbers >= low) & (numbers < high)]

    def _listed(self, segment: SegmentRow, token: int) -> np.ndarray:
        row = self.rows.get(segment.id << 16 | postings.bucket(token, segment.buckets))
        return postings.lookup(row, token) if row is not None else postings.EMPTY


def _evaluate(need: Need, listed) -> np.ndarray | None:
    """The document indexes of one segment meeting ``need``'s groups."""
    here = None
    for group in need.groups:
        either = None
        for alternative in group:
            every = None
            for token in alternative:
                every = listed(token) if every is None else _both(every, listed(token))
                if not len(every):
                    break
            every = postings.EMPTY if every is None else every
            either = every if either is None else _distinct(np.concatenate([either, every]))
        here = either if here is None else _both(here, either)
        if not len(here):
            break
    return here


def every_candidate(cursor, backend, need: Need, most: int) -> np.ndarray | None:
    """Every number the postings give for ``need``; None past ``most`` of them."""
    reader = Reader(backend, 0, 1 << 62, [need])
    numbers = reader.candidates(cursor, reader.load(cursor), need, 0, 1 << 62)
    return numbers if len(numbers) <= most else None


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted, each once (NumPy's ``unique`` hashes, several times slower on these)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.intersect1d(a, b, assume_unique=True)


def scan(
    cursor,
    reader: Reader,
    need: Need,
    exists: tuple[str, list],
    *,
    low: int,
    high: int,
    descending: bool,
    limit: int,
) -> list[tuple[int, int]]:
    """(number, article id) of the first ``limit`` matches of ``need`` in [low, high)
    that pass ``exists``, in number order (highest first when ``descending``)."""
    segments = [s for s in reader.load(cursor) if s.high >= low and s.low < high]
    segments.sort(key=(lambda s: -s.high) if descending else (lambda s: s.low))
    found: list[tuple[int, int]] = []
    waiting = np.zeros(0, dtype=np.int64)
    read, step, chunk, checked = 0, FIRST_READ, max(FIRST_CHUNK, limit + limit // 8), 0
    while len(found) < limit:
        if read < len(segments):
            taken = [segments[read]]
            while read + len(taken) < len(segments) and sum(s.documents for s in taken) < step:
                taken.append(segments[read + len(taken)])
            read, step = read + len(taken), step * 4
            found_now = reader.candidates(cursor, taken, need, low, high)
            waiting = _distinct(np.concatenate([waiting, found_now]))
        if read < len(segments):
            bound = segments[read].high if descending else segments[read].low
            ready = waiting[waiting > bound] if descending else waiting[waiting < bound]
        else:
            ready = waiting
        if descending:
            ready = ready[::-1]
        used = 0
        while used < len(ready) and len(found) < limit:
            part = ready[used : used + chunk]
            used += len(part)
            passed = _checked(cursor, reader.backend, need, exists, part)
            found.extend(passed)
            checked += len(part)
            chunk = _next_chunk(limit - len(found), (len(found) + 1) / (checked + 1))
        if used:
            waiting = np.setdiff1d(waiting, ready[:used], assume_unique=True)
        if read >= len(segments) and used >= len(ready):
            break
    return found[:limit]


def _next_chunk(missing: int, passing: float) -> int:
    """Enough candidates to find the ``missing`` matches at the share passing so far
    (with a margin), so a search seldom needs a third check, nor checks far too many."""
    return max(FIRST_CHUNK, min(LAST_CHUNK, int(missing / max(passing, 0.02) * 1.25) + 8))


def _checked(cursor, backend, need: Need, exists, numbers: np.ndarray) -> list[tuple[int, int]]:
    condition, params = backend.among("e.docno", numbers.tolist())
    check_sql, check_params = need.check
    exists_sql, exists_params = exists
    cursor.execute(
        f"SELECT e.docno, e.article_id FROM {ENTRY} e WHERE {condition} "
        f"AND e.article_id IS NOT NULL AND {check_sql} "
        f"AND EXISTS ({exists_sql})",
        [*params, *check_params, *exists_params],
    )
    passed = dict(cursor.fetchall())
    return [(n, passed[n]) for n in numbers.tolist() if n in passed]
