"""Reading the index: candidates from the postings, checked in SQL, in number order.

A scan walks the segments from the newest documents down (or the oldest up),
takes the candidates their postings give, and has the database check them in
number order, a chunk at a time: the words as substrings of the stored runs
(exact, whatever the postings said), the article still indexed under that number,
and every filter of the caller's queryset (a correlated subquery), each candidate
once per search (:class:`Reader`). It stops as soon as it has what was asked, so
"the newest 21 of a million matches" reads the newest segment's postings and checks
a few dozen rows.

A candidate is final once no segment left to read can hold a number above it
(below it, oldest first); segments are read in growing groups (:data:`FIRST_READ`
documents, then :data:`GROWTH` times as many each time), so a common word costs one
read and a rare one two or three.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import NamedTuple

import numpy as np

from . import postings
from .names import ENTRY, POSTING, SEGMENT
from .needs import Check, Need

#: Documents whose postings are read at first (a segment at least); then GROWTH times more.
FIRST_READ = 20_000
#: How much larger each group of segments read is than the one before: a statement costs
#: more than the few rows of a rare word's postings read in vain (at a million articles
#: a rare word's walk through every segment is three statements, not five).
GROWTH = 16
#: A token listed in at most one document in this many of the first segments read is
#: read with every deeper segment a scan reads (:meth:`Reader._sparse`).
SPARSE = 128
#: Document numbers checked per query at least (the first check: what is asked and
#: an eighth more; then as many as the share that passed says are needed).
FIRST_CHUNK = 32
LAST_CHUNK = 8192
#: Candidates checked at most with their pages in the same statement (their pages
#: checked one per candidate); more are checked first, then their distinct pages.
INLINE_PAGES = 64

#: Segment maps by (number, stamp): a segment never changes, and its random stamp
#: tells it from one given the same number after a rollback.
_maps: OrderedDict[tuple[int, int], np.ndarray] = OrderedDict()
_maps_lock = Lock()
_NONE = np.zeros(0, dtype=np.int64)
#: Document numbers of segment maps kept per process (4 bytes each).
MAPS_KEPT = 4_000_000


@dataclass(frozen=True)
class SegmentRow:
    id: int
    low: int
    high: int
    buckets: int
    stamp: int
    documents: int


class Checked(NamedTuple):
    """A candidate that matched: its article, its tier (None until a scan of the
    tiers asks), and what the search's ``visible`` query said of it (the facets'
    section). A tuple: a search makes a thousand of them for its facets, and a frozen
    dataclass is several times slower to make."""

    article_id: int
    tier: int | None
    section: object = None


class PageCheck(NamedTuple):
    """How a search checks candidates by their pages (see :class:`Reader`)."""

    page: str  # SQL: the page of the entry ``e``
    visible: tuple[str, list]  # a scalar subquery correlated on ``p.page_id``
    inline: tuple[str, list]  # the same correlated on ``page``, for the check itself


class Reader:
    """One search's view of the index within the numbers [low, high): its segments,
    read once, the posting rows read so far, and the candidates checked so far (a
    search's tiers and its facets share them all). A candidate is checked once,
    whichever scan meets it first; its tier is asked with it by a scan of the tiers,
    or later, in one more statement, when the facets met it first.

    ``visible``: a scalar subquery (correlated on ``e.article_id``) of every other
    filter of the search, giving a value that is never NULL (the section, for the
    facets) for an article that passes them and NULL for one that does not: one
    lookup of the article's rows gives both.

    ``pages``: where every filter is about the article's page (what readers may see,
    paper, dates, section, page: all the search page's), the same check made of the
    page (:class:`PageCheck`). Then each candidate's page, which its entry names, is
    checked instead, each page once per search: a few candidates' pages in the check
    itself, many candidates' in a statement after it, each distinct page once (a
    common word's thousand candidates lie on a hundred pages, and a rare word's check
    reads no index of the articles: a read from disk per candidate, when not in
    memory). Reading no article, it leaves out those deleted but still indexed by
    the list the segments' statement brings (:attr:`gone`).

    ``tokens``: every token the search's scans may look for. The first group of
    segments the search reads (the newest, for the page in relevance order and the
    facets, where each of their scans starts) is read for all of them at once, a
    statement where each scan would make one. Other segments are read for the tokens
    of the scan that gets there and for the search's *sparse* tokens, those in at
    most one document in :data:`SPARSE` of the first group: a rare word's facets walk
    every segment after the title tier did, and find its lists read with the title's.
    The body's long lists of a common word stay unread: the title tier's walk through
    every segment for a rare title match must not bring them all.
    """

    def __init__(
        self,
        backend,
        low: int,
        high: int,
        check: Check | None = None,
        visible: tuple[str, list] = ("0", []),
        tokens: frozenset[int] = frozenset(),
        pages: PageCheck | None = None,
    ):
        self.backend, self.low, self.high = backend, low, high
        self.check, self.visible, self.tokens = check, visible, tokens
        self.pages = pages
        #: Articles deleted whose numbers are not retired yet (PostgreSQL: see
        #: ``backends.postgresql.gone``): the page check, which reads no article,
        #: leaves them out.
        self.gone: frozenset[int] = frozenset()
        self.seen_pages: dict[int, object] = {}  # page -> its section, None: not shown
        self.segments: list[SegmentRow] | None = None
        self.rows: dict[int, bytes | None] = {}
        self.first: list[SegmentRow] | None = None  # the segments of the first read
        self.sparse: set[int] | None = None  # tokens with short lists there
        self.checked: dict[int, Checked | None] = {}
        self.found: dict[tuple, np.ndarray] = {}  # (groups, segment) -> its candidates

    def check_numbers(
        self, cursor, numbers: np.ndarray, *, tiers: bool = False
    ) -> list[Checked | None]:
        """Each number's match (None: no match), checked in SQL once per search: the
        words on the stored runs, the article still indexed under that number, and
        the search's other filters (``visible``); with ``tiers``, each match's tier
        (asked afterwards of matches checked without it).

        Only the scans of the tiers ask for them: the facets' thousand candidates
        need no tier, and a tier is the one part of a check that may read the whole
        text where the postings decided the words (two words together, as typed:
        three quarters of the facets' check of two words on SQLite)."""
        listed = numbers.tolist()
        unknown = [n for n in listed if n not in self.checked]
        if unknown and self.check is not None:
            condition, params = self.backend.among("e.docno", unknown)
            (match, match_params), (tier, tier_params) = self.check.match, self.check.tier
            if not tiers:
                tier, tier_params = "NULL", []
            page, inline = "NULL", len(unknown) <= INLINE_PAGES
            if self.pages is None:
                shown, shown_params = self.visible
            else:  # the page, checked here for a few candidates, after for many
                page = self.pages.page
                shown, shown_params = self.pages.inline if inline else ("NULL", [])
            cursor.execute(
                f"SELECT e.docno, e.article_id, {tier}, ({shown}), {page} FROM {ENTRY} e "
                f"WHERE {condition} AND e.article_id IS NOT NULL AND {match}",
                [*tier_params, *shown_params, *params, *match_params],
            )
            rows = cursor.fetchall()
            if self.pages is not None:
                rows = [row for row in rows if row[1] not in self.gone]
                if inline:
                    self.seen_pages.update((row[4], row[3]) for row in rows)
                else:
                    self._see_pages(cursor, {row[4] for row in rows} - {None})
                rows = [(*row[:3], self.seen_pages.get(row[4])) for row in rows]
            self.checked.update(dict.fromkeys(unknown))
            self.checked.update(
                (number, Checked(article_id, tier, section))
                for number, article_id, tier, section, *_ in rows
                if section is not None
            )
        if tiers:
            untiered = [n for n in listed if (c := self.checked[n]) is not None and c.tier is None]
            if untiered:
                self._add_tiers(cursor, untiered)
        return [self.checked[n] for n in listed]

    def _see_pages(self, cursor, pages: set[int]) -> None:
        """What the page check says of each of ``pages`` (its section; None: not
        shown), in one statement, for those not seen yet."""
        new = pages - self.seen_pages.keys()
        if new:
            table, table_params = self.backend.values("p", "page_id", sorted(new))
            sql, params = self.pages.visible
            cursor.execute(f"SELECT p.page_id, ({sql}) FROM {table}", [*params, *table_params])
            self.seen_pages.update(dict.fromkeys(new))
            self.seen_pages.update(cursor.fetchall())

    def _add_tiers(self, cursor, numbers: list[int]) -> None:
        """The tiers of matches checked without them (by the facets, before the page).
        A number retired since its check (the article changed or went) is no longer
        a match: its runs are gone, and the tier would say "somewhere"."""
        condition, params = self.backend.among("e.docno", numbers)
        tier, tier_params = self.check.tier
        cursor.execute(
            f"SELECT e.docno, {tier} FROM {ENTRY} e WHERE {condition} AND e.article_id IS NOT NULL",
            [*tier_params, *params],
        )
        tiers = dict(cursor.fetchall())
        for number in numbers:
            tier = tiers.get(number)
            self.checked[number] = (
                None if tier is None else self.checked[number]._replace(tier=tier)
            )

    def load(self, cursor) -> list[SegmentRow]:
        """The segments, and (in the same statement) the articles deleted but not yet
        out of the index (:attr:`gone`)."""
        if self.segments is None:
            cursor.execute(
                f"SELECT id, low, high, buckets, stamp, documents, {self.backend.gone()} "
                f"FROM {SEGMENT} WHERE high >= %s AND low < %s",
                [self.low, self.high],
            )
            rows = cursor.fetchall()
            self.segments = [SegmentRow(*row[:6]) for row in rows]
            self.gone = frozenset(rows[0][6] or ()) if rows else frozenset()
        return self.segments

    def _maps(self, cursor, segments: list[SegmentRow]) -> dict[int, np.ndarray]:
        with _maps_lock:
            found = {s.id: _maps[s.id, s.stamp] for s in segments if (s.id, s.stamp) in _maps}
        missing = {s.id: s.stamp for s in segments if s.id not in found}
        if missing:
            condition, params = self.backend.among("id", missing)
            rows = self.backend.fetch_binary(
                cursor, f"SELECT id, stamp, map FROM {SEGMENT} WHERE {condition}", params
            )
            loaded = {(n, stamp): postings.document_map(bytes(raw)) for n, stamp, raw in rows}
            with _maps_lock:
                _maps.update(loaded)
                kept = sum(len(m) for m in _maps.values())
                while kept > MAPS_KEPT and len(_maps) > 1:
                    kept -= len(_maps.popitem(last=False)[1])
            found.update((n, m) for (n, _), m in loaded.items())
        return found

    def _read(self, cursor, segments: list[SegmentRow], tokens: set[int]) -> None:
        def row_ids(segments, tokens):
            return {s.id << 16 | postings.bucket(t, s.buckets) for s in segments for t in tokens}

        if self.first is None:
            self.first = list(segments)
        wanted = row_ids(segments, tokens) - self.rows.keys()
        if not wanted:
            return
        first_ids = {s.id for s in self.first}
        wanted |= row_ids([s for s in segments if s.id in first_ids], self.tokens)
        wanted -= self.rows.keys()
        deeper = [s for s in segments if s.id not in first_ids]
        if deeper:
            wanted |= row_ids(deeper, self._sparse()) - self.rows.keys()
        condition, params = self.backend.among("id", wanted)
        rows = self.backend.fetch_binary(
            cursor, f"SELECT id, data FROM {POSTING} WHERE {condition}", params
        )
        self.rows.update(dict.fromkeys(wanted))
        self.rows.update((n, bytes(data)) for n, data in rows)

    def _sparse(self) -> set[int]:
        """The search's tokens listed in at most one document in :data:`SPARSE` of the
        first group read (lists of indexes, no bitmap): rare enough that reading them
        with any deeper segment costs a few bytes, where another scan's walk would
        cost a statement. (A common word's lists, a kilobyte or two a segment, are
        read only for a scan that gets there.)"""
        if self.sparse is None:
            documents = sum(s.documents for s in self.first)
            self.sparse = set()
            for token in self.tokens:
                lists = [self._listed(s, token) for s in self.first]
                if all(listed.dtype != np.uint8 for listed in lists) and (
                    sum(map(len, lists)) * SPARSE <= documents
                ):
                    self.sparse.add(token)
        return self.sparse

    def candidates(
        self, cursor, segments: list[SegmentRow], need: Need, low: int, high: int
    ) -> np.ndarray:
        """The numbers in [low, high) the postings of ``segments`` give for ``need``
        (worked out once per segment and set of tokens: a search's tiers and facets
        often look for the same)."""
        if not segments:
            return np.zeros(0, dtype=np.int64)
        self._read(cursor, segments, need.tokens)
        hits = {}
        for s in segments:
            if (need.groups, s.id) not in self.found:
                here = _evaluate(need, lambda token, s=s: self._listed(s, token))
                if here is not None and len(here):
                    hits[s.id] = here
                else:
                    self.found[need.groups, s.id] = _NONE
        if hits:
            maps = self._maps(cursor, [s for s in segments if s.id in hits])
            for n, here in hits.items():
                self.found[need.groups, n] = maps[n][here.astype(np.int64)].astype(np.int64)
        found = [self.found[need.groups, s.id] for s in segments]
        numbers = _distinct(np.concatenate(found))
        return numbers[(numbers >= low) & (numbers < high)]

    def _listed(self, segment: SegmentRow, token: int) -> np.ndarray:
        row = self.rows.get(segment.id << 16 | postings.bucket(token, segment.buckets))
        return postings.lookup_stored(row, token) if row is not None else postings.EMPTY


def _evaluate(need: Need, listed) -> np.ndarray | None:
    """The document indexes of one segment meeting ``need``'s groups."""
    here = None
    for group in need.groups:
        either = None
        for alternative in group:
            every = _all_of([listed(token) for token in alternative])
            either = every if either is None else _distinct(np.concatenate([either, every]))
        here = either if here is None else _both(here, either)
        if not len(here):
            break
    return here


def every_candidate(cursor, backend, need: Need, most: int) -> np.ndarray | None:
    """Every number the postings give for ``need``; None past ``most`` of them."""
    reader = Reader(backend, 0, 1 << 62)
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


def _all_of(lists: list[np.ndarray]) -> np.ndarray:
    """The document indexes in every one of ``lists``, each as stored (indexes, or a
    bitmap: :func:`.postings.lookup_stored`). The shortest list of indexes is
    filtered by the others, and by the bitmaps' bits at its indexes; bitmaps alone are
    combined byte by byte and decoded once. (A common pair's bitmap decoded to its
    thousands of indexes only to meet a rare pair's few took a fifth of a rare
    word's search.)"""
    indexes = sorted((listed for listed in lists if listed.dtype != np.uint8), key=len)
    bitmaps = [listed for listed in lists if listed.dtype == np.uint8]
    if not indexes:
        if not bitmaps:
            return postings.EMPTY
        size = min(len(bits) for bits in bitmaps)
        common = bitmaps[0][:size]
        for bits in bitmaps[1:]:
            common = common & bits[:size]
        return np.flatnonzero(np.unpackbits(common, bitorder="little")).astype("<u2")
    found = indexes[0]
    for other in indexes[1:]:
        if not len(found):
            return found
        found = _both(found, other)
    for bits in bitmaps:
        if not len(found):
            return found
        at = found.astype(np.intp)
        inside = at < 8 * len(bits)
        found, at = found[inside], at[inside]
        found = found[(bits[at >> 3] >> (at & 7).astype(np.uint8)) & 1 == 1]
    return found


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The indexes in both sorted lists, through a mask of the longer one: linear,
    where a merge by sorting (NumPy's ``intersect1d``) took a third of a search's
    time on lists of common pairs."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    last = int(b[-1])
    mask = np.zeros(last + 1, dtype=bool)
    mask[b] = True
    a = a[a <= last]
    return a[mask[a]]


def scan(
    cursor,
    reader: Reader,
    need: Need,
    *,
    low: int,
    high: int,
    descending: bool,
    limit: int,
) -> list[tuple[int, int]]:
    """(number, article id) of the first ``limit`` matches of ``need`` in [low, high)
    that pass the reader's filters, in number order (highest first when
    ``descending``)."""
    segments = [s for s in reader.load(cursor) if s.high >= low and s.low < high]
    segments.sort(key=(lambda s: -s.high) if descending else (lambda s: s.low))
    found: list[tuple[int, int]] = []
    waiting = np.zeros(0, dtype=np.int64)
    read, step, chunk, checked = 0, FIRST_READ, max(FIRST_CHUNK, limit + limit // 8), 0
    while len(found) < limit:
        # A group of segments at least, and more while the candidates waiting cannot
        # fill the next check: each round of reading and checking is two statements,
        # and a rare word's few candidates would otherwise be checked a few at a time.
        while read < len(segments):
            taken, documents = [segments[read]], segments[read].documents
            while read + len(taken) < len(segments) and documents < step:
                taken.append(segments[read + len(taken)])
                documents += taken[-1].documents
            read, step = read + len(taken), step * GROWTH
            found_now = reader.candidates(cursor, taken, need, low, high)
            waiting = _distinct(np.concatenate([waiting, found_now]))
            if len(waiting) >= chunk:
                break
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
            matches = reader.check_numbers(cursor, part, tiers=need.tier is not None)
            for number, match in zip(part.tolist(), matches, strict=True):
                if match is not None and (need.tier is None or match.tier == need.tier):
                    found.append((number, match.article_id))
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
