"""The postings: which documents hold which characters and pairs of characters.

Pure functions over NumPy arrays, no Django: :func:`build` cuts a batch of
documents into *segment* rows, :func:`lookup` reads a row back.

Why our own postings rather than SQLite's FTS5 or a GIN index: both keep one
entry per token and document and cost 0.5-2 us each to build, and an article has
about 1,300 of them, so neither indexes more than about a thousand articles a
second on one core. Here a whole batch is cut, sorted and grouped at C speed
(NumPy), and written as a few thousand rows of packed arrays: several thousand
articles a second, into the database's own tables, with no extra server.

*Tokens* are what the postings list. Every character of a word run is one (a
*unigram*: a one-character query reads it), and so is every pair of neighbours in
a run (a *bigram*: 国家 in 国家主席), and the last and first characters of two runs
one separator apart (*across*: 9 and 客 in "C919 客机", so a phrase typed with
spaces finds its few matches, not every article holding its words). The token is
a number: the first character's code point in bits 21-41, the second's (none for a
unigram) in bits 0-20, bit 42 set for the head's own tokens (kicker, title,
subtitle: the first tier), bit 43 for a pair across runs.

The postings are only ever a *superset* of the matches: a phrase's pairs may stand
apart, a document may have changed since. Every candidate is then checked against
the document's runs (:mod:`.scan`), which is what makes a match exact, and what
lets a segment be immutable: a changed document is written again in a new segment
under a new number, and its old postings point at a number no document holds.

*Segments*: each batch written is one segment of at most :data:`MAX_DOCUMENTS`
documents. Its documents are numbered 0.. in the order of their document numbers
(the segment's *map* keeps those numbers), and its postings are spread over
``buckets`` rows by a hash of the token, so a query reads a few small rows per
segment whatever the segment's size. A row packs how many tokens it has, the
tokens (sorted, ``uint64``), where each one's list starts (``uint32``) and the
lists of document indexes (``uint16``, ascending). A list longer than a bitmap of
the segment's documents is stored as that bitmap (its start has the top bit set):
a common character or pair then costs a kilobyte in a segment of 8,192 documents,
not sixteen, and no row grows past a few kilobytes (PostgreSQL moves a value of
more than about 2 kB out of the row, a lookup more for each read).
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

MAX_DOCUMENTS = 1 << 16
HEAD = 1 << 42
ACROSS = 1 << 43
CHAR_BITS = 21
#: At most this many tokens of one query string are looked up: any of its tokens
#: finds a superset of its matches, and a long phrase needs no more to be selective.
TOKENS_PER_STRING = 4
_HASH = np.uint64(0x9E3779B97F4A7C15)
_LOCAL_BITS = np.uint64(16)
EMPTY = np.zeros(0, dtype="<u2")
_BITMAP = 1 << 31
_OFFSET = _BITMAP - 1
#: Whether the machine reads the rows' little-endian integers as its own.
_NATIVE = sys.byteorder == "little"


@dataclass(frozen=True)
class Segment:
    """One batch of documents, ready to store."""

    documents: int
    low: int
    high: int
    buckets: int
    map: bytes  # the document numbers, uint32, ascending
    rows: list[tuple[int, bytes]]  # (bucket, packed postings)


def buckets_for(documents: int) -> int:
    """A power of two near twice the documents: rows of a kilobyte or two, which
    PostgreSQL keeps in the row itself (past about 2 kB it moves a value to its
    TOAST table, a lookup more per row read) and SQLite on one page."""
    return 1 << max(0, min(16, (documents * 2).bit_length() - 1))


def bucket(token: int, buckets: int) -> int:
    return (((token * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 48) & (buckets - 1)


def _pairs(texts: list[str], namespace: int) -> list[np.ndarray]:
    """``token << 16 | index`` for every character, neighbour pair and pair across
    one separator of each text (three arrays: the caller joins them once)."""
    joined = "\x00".join(texts) + "\x00"
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    word = (points != 0) & (points != 32)
    paired = np.zeros_like(word)
    paired[:-1] = word[:-1] & word[1:]
    across = np.zeros_like(word)
    across[:-2] = word[:-2] & (points[1:-1] == 32) & word[2:]
    # Each point's first character and document, shifted into place once.
    base = points.astype(np.uint64) << np.uint64(CHAR_BITS + _LOCAL_BITS)
    base |= np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)
    if namespace:
        base |= np.uint64(namespace << _LOCAL_BITS)
    at = np.flatnonzero(paired)
    bigrams = base[at] | (points[at + 1].astype(np.uint64) << _LOCAL_BITS)
    at = np.flatnonzero(across)
    across_runs = base[at] | (points[at + 2].astype(np.uint64) << _LOCAL_BITS)
    across_runs |= np.uint64(ACROSS << _LOCAL_BITS)
    return [base[word], bigrams, across_runs]


def build(numbers: list[int], heads: list[str], bodies: list[str]) -> Segment:
    """The segment of these documents (``numbers`` ascending, runs as stored).

    The pairs are sorted once, as 64-bit integers (NumPy sorts them with the
    processor's vector instructions), which orders each token's documents and lets
    the repeated ones go; only the distinct tokens, a twentieth as many, are then
    ordered by bucket. Each list is written straight to its place in the rows.
    (Spreading the pairs over the buckets first, by an index sort and a gather of
    every pair, took three times as long: three pairs in five are repeats.)
    """
    count = len(numbers)
    if not 0 < count <= MAX_DOCUMENTS:
        raise ValueError(f"a segment holds 1 to {MAX_DOCUMENTS} documents, not {count}")
    whole = [f"{head} {body}" for head, body in zip(heads, bodies, strict=True)]
    pairs = np.concatenate([*_pairs(whole, 0), *_pairs(heads, HEAD)])
    pairs.sort()
    if len(pairs) > 1:
        keep = np.empty(len(pairs), dtype=bool)
        keep[0] = True
        np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
        pairs = pairs[keep]
    tokens = pairs >> _LOCAL_BITS
    new_token = np.ones(len(tokens), dtype=bool)
    if len(tokens) > 1:
        np.not_equal(tokens[1:], tokens[:-1], out=new_token[1:])
    firsts = np.flatnonzero(new_token)  # each token's first pair, tokens ascending
    counts = np.diff(np.append(firsts, len(pairs)))
    tokens = tokens[firsts]
    buckets = buckets_for(count)
    hashed = ((tokens * _HASH) >> np.uint64(48)).astype(np.uint16) & np.uint16(buckets - 1)
    order = np.argsort(hashed, kind="stable")  # the rows' order: by bucket, then token
    # A list longer than a bitmap of the segment's documents is stored as the bitmap.
    words = (count + 15) // 16
    dense = as_bitmaps(counts, words)
    offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(np.where(dense, words, counts)[order], out=offsets[1:])
    start = np.empty(len(tokens), dtype=np.int64)  # where each token's list goes
    start[order] = offsets[:-1]
    documents = (pairs & np.uint64(0xFFFF)).astype("<u2")
    lists = np.zeros(int(offsets[-1]), dtype="<u2")
    at = np.repeat(start - firsts, counts)
    at += np.arange(len(pairs))
    if dense.any():
        sparse_pairs = np.repeat(~dense, counts)
        lists[at[sparse_pairs]] = documents[sparse_pairs]
        lists[_bitmap_positions(start[dense], words)] = _bitmaps(
            documents[~sparse_pairs], counts[dense], words
        ).ravel()
    else:
        lists[at] = documents
    token_hashed, dense = hashed[order], dense[order]
    token_bounds = np.searchsorted(token_hashed, np.arange(buckets + 1)).tolist()
    list_bounds = offsets[token_bounds]
    # Each list's start within its bucket's lists, the top bit set for a bitmap.
    starts = offsets[:-1] - list_bounds[token_hashed]
    starts = (starts.astype("<u4") | (dense.astype("<u4") << np.uint32(31))).tobytes()
    token_bytes = tokens[order].astype("<u8").tobytes()
    list_bytes = lists.tobytes()
    list_bounds = list_bounds.tolist()
    rows = []
    for number in range(buckets):
        first, last = token_bounds[number], token_bounds[number + 1]
        if first == last:
            continue
        rows.append(
            (
                number,
                (last - first).to_bytes(8, "little")
                + token_bytes[8 * first : 8 * last]
                + starts[4 * first : 4 * last]
                + list_bytes[2 * list_bounds[number] : 2 * list_bounds[number + 1]],
            )
        )
    numbers_array = np.asarray(numbers, dtype="<u4")
    return Segment(count, int(numbers[0]), int(numbers[-1]), buckets, numbers_array.tobytes(), rows)


def as_bitmaps(counts: np.ndarray, words: int) -> np.ndarray:
    """Which lists are stored as bitmaps of ``words`` 16-bit words: those longer."""
    return counts > words


def _bitmap_positions(starts: np.ndarray, words: int) -> np.ndarray:
    return (starts[:, None] + np.arange(words)[None, :]).ravel()


def _bitmaps(documents: np.ndarray, counts: np.ndarray, words: int) -> np.ndarray:
    """One bitmap of ``words`` 16-bit words per list (``counts`` documents each, in
    order): bit ``i`` (little-endian) set where document ``i`` is listed."""
    bits = np.zeros(len(counts) * words * 16, dtype=bool)
    row_starts = np.repeat(np.arange(len(counts), dtype=np.int64) * (words * 16), counts)
    bits[row_starts + documents] = True
    return np.packbits(bits.reshape(len(counts), words * 16), axis=1, bitorder="little").view("<u2")


def lookup(row: bytes, token: int) -> np.ndarray:
    """The document indexes (ascending) listed for ``token`` in a packed row."""
    listed = lookup_stored(row, token)
    if listed.dtype == np.uint8:
        return np.flatnonzero(np.unpackbits(listed, bitorder="little")).astype("<u2")
    return listed


def lookup_stored(row: bytes, token: int) -> np.ndarray:
    """``token``'s list in a packed row as it is stored: its document indexes
    (ascending, 16-bit), or for a long list its bitmap (bytes, document ``i`` at bit
    ``i % 8`` of byte ``i // 8``), which an intersection can test without decoding.

    The row's tokens and offsets are read through a memoryview and searched with
    ``bisect``: a search looks up a few hundred tokens in rows of a few dozen, and
    NumPy's fixed cost per call (an array made, a scalar boxed) made that 5-7 us a
    lookup, not 2. The row is little-endian, as the view reads it where the machine
    is (:data:`_NATIVE`); elsewhere :func:`_lookup_portable` reads it."""
    if not _NATIVE:
        return _lookup_portable(row, token)
    count = int.from_bytes(row[:8], "little")
    view = memoryview(row)
    tokens = view[8 : 8 + 8 * count].cast("Q")
    at = bisect_left(tokens, token)
    if at == count or tokens[at] != token:
        return EMPTY
    offsets = view[8 + 8 * count : 8 + 12 * count].cast("I")
    return _list_at(row, count, offsets[at], offsets[at + 1] if at + 1 < count else None)


def _lookup_portable(row: bytes, token: int) -> np.ndarray:
    """:func:`lookup_stored` on a machine of either byte order."""
    count = int.from_bytes(row[:8], "little")
    tokens = np.frombuffer(row, dtype="<u8", count=count, offset=8)
    at = int(np.searchsorted(tokens, np.uint64(token)))
    if at == count or int(tokens[at]) != token:
        return EMPTY
    base = 8 + 8 * count
    start = int.from_bytes(row[base + 4 * at : base + 4 * at + 4], "little")
    following = (
        int.from_bytes(row[base + 4 * at + 4 : base + 4 * at + 8], "little")
        if at + 1 < count
        else None
    )
    return _list_at(row, count, start, following)


def _list_at(row: bytes, count: int, start: int, following: int | None) -> np.ndarray:
    """The list that starts at ``start`` (its bitmap flag included) and ends where the
    next one starts (``following``; None: at the row's end)."""
    lists = 8 + 12 * count
    end = following & _OFFSET if following is not None else (len(row) - lists) // 2
    if start & _BITMAP:
        start &= _OFFSET
        return np.frombuffer(row, dtype=np.uint8, count=2 * (end - start), offset=lists + 2 * start)
    return np.frombuffer(row, dtype="<u2", count=end - start, offset=lists + 2 * start)


def string_tokens(text: str, *, head: bool = False) -> list[int]:
    """The tokens a document must hold to contain ``text`` (runs joined by spaces):
    every pair of a run longer than one character, the character of a shorter one;
    at most :data:`TOKENS_PER_STRING`, spread over the string."""
    namespace = HEAD if head else 0
    found: list[int] = []
    runs = text.split(" ")
    for before, after in pairwise(runs):
        found.append(namespace | ACROSS | ord(before[-1]) << CHAR_BITS | ord(after[0]))
    for run in runs:
        if len(run) == 1:
            found.append(namespace | ord(run) << CHAR_BITS)
        else:
            found.extend(namespace | ord(a) << CHAR_BITS | ord(b) for a, b in pairwise(run))
    found = list(dict.fromkeys(found))
    if len(found) > TOKENS_PER_STRING:
        step = (len(found) - 1) / (TOKENS_PER_STRING - 1)
        found = [found[round(n * step)] for n in range(TOKENS_PER_STRING)]
    return found


def document_map(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4")
