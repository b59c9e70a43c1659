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


def _pairs(texts: list[str], namespace: int) -> np.ndarray:
    """``token << 16 | index`` for every character and neighbour pair of each text."""
    joined = "\x00".join(texts) + "\x00"
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    index = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)
    word = (points != 0) & (points != 32)
    following = np.empty_like(points)
    following[:-1] = points[1:]
    following[-1] = 0
    paired = word & (following != 0) & (following != 32)
    beyond = np.zeros_like(points)
    beyond[:-2] = points[2:]
    across = word & (following == 32) & (beyond != 0) & (beyond != 32)
    first = points.astype(np.uint64) << np.uint64(CHAR_BITS)
    if namespace:
        first |= np.uint64(namespace)
    unigrams = (first[word] << _LOCAL_BITS) | index[word]
    bigrams = ((first[paired] | following[paired].astype(np.uint64)) << _LOCAL_BITS) | index[paired]
    across_runs = (
        (first[across] | beyond[across].astype(np.uint64) | np.uint64(ACROSS)) << _LOCAL_BITS
    ) | index[across]
    return np.concatenate([unigrams, bigrams, across_runs])


def build(numbers: list[int], heads: list[str], bodies: list[str]) -> Segment:
    """The segment of these documents (``numbers`` ascending, runs as stored).

    The pairs are first spread over the buckets by a stable radix sort of their
    16-bit bucket numbers, then each bucket's few thousand sorted where they fit
    in the processor's cache: a third of the time of one sort of them all.
    """
    count = len(numbers)
    if not 0 < count <= MAX_DOCUMENTS:
        raise ValueError(f"a segment holds 1 to {MAX_DOCUMENTS} documents, not {count}")
    whole = [f"{head} {body}" for head, body in zip(heads, bodies, strict=True)]
    pairs = np.concatenate([_pairs(whole, 0), _pairs(heads, HEAD)])
    buckets = buckets_for(count)
    hashed = (((pairs >> _LOCAL_BITS) * _HASH) >> np.uint64(48)).astype(np.uint16)
    hashed &= np.uint16(buckets - 1)
    order = np.argsort(hashed, kind="stable")
    pairs, hashed = pairs[order], hashed[order]
    bounds = np.searchsorted(hashed, np.arange(buckets + 1)).tolist()
    for first, last in pairwise(bounds):
        if last - first > 1:
            pairs[first:last].sort()
    keep = np.ones(len(pairs), dtype=bool)
    if len(pairs) > 1:
        np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
    pairs, hashed = pairs[keep], hashed[keep]
    tokens = pairs >> _LOCAL_BITS
    new_token = np.ones(len(tokens), dtype=bool)
    if len(tokens) > 1:
        np.not_equal(tokens[1:], tokens[:-1], out=new_token[1:])
    heads_at = np.flatnonzero(new_token)  # where each token's list starts among the pairs
    counts = np.diff(np.append(heads_at, len(pairs)))
    # A list longer than a bitmap of the segment's documents is stored as the bitmap.
    words = (count + 15) // 16
    dense = as_bitmaps(counts, words)
    sizes = np.where(dense, words, counts)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    lists = np.zeros(int(offsets[-1]), dtype="<u2")
    documents = (pairs & np.uint64(0xFFFF)).astype("<u2")
    if dense.any():
        # Each pair of a short list moves by what the bitmaps before it took or saved.
        sparse_pairs = np.repeat(~dense, counts)
        at = np.repeat(offsets[:-1] - heads_at, counts)
        at += np.arange(len(pairs))
        lists[at[sparse_pairs]] = documents[sparse_pairs]
        lists[_bitmap_positions(offsets[:-1][dense], words)] = _bitmaps(
            documents[~sparse_pairs], counts[dense], words
        ).ravel()
    else:
        lists[:] = documents
    token_hashed = hashed[heads_at]
    token_bounds = np.searchsorted(token_hashed, np.arange(buckets + 1)).tolist()
    list_bounds = offsets[token_bounds]
    # Each list's start within its bucket's lists, the top bit set for a bitmap.
    starts = offsets[:-1] - list_bounds[token_hashed]
    starts = (starts.astype("<u4") | (dense.astype("<u4") << np.uint32(31))).tobytes()
    token_bytes = tokens[heads_at].astype("<u8").tobytes()
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
    ``i % 8`` of byte ``i // 8``), which an intersection can test without decoding."""
    count = int.from_bytes(row[:8], "little")
    tokens = np.frombuffer(row, dtype="<u8", count=count, offset=8)
    at = int(np.searchsorted(tokens, np.uint64(token)))
    if at == count or int(tokens[at]) != token:
        return EMPTY
    base = 8 + 8 * count
    lists = base + 4 * count
    start = int.from_bytes(row[base + 4 * at : base + 4 * at + 4], "little")
    if at + 1 < count:
        end = int.from_bytes(row[base + 4 * at + 4 : base + 4 * at + 8], "little") & _OFFSET
    else:
        end = (len(row) - lists) // 2
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
