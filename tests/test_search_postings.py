"""The postings' two forms of a list (document indexes, or a bitmap where shorter), and
rows written before bitmaps existed, read alike."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
import pytest

from editions.search import postings
from editions.search.postings import bucket, build, lookup, string_tokens


def rows_by_token(segment) -> dict[int, bytes]:
    """Each token of a segment with the packed row that lists it."""
    found = {}
    for _, row in segment.rows:
        count = int.from_bytes(row[:8], "little")
        for token in np.frombuffer(row, dtype="<u8", count=count, offset=8).tolist():
            found[token] = row
    return found


def every_list(segment) -> dict[int, list[int]]:
    """Each token of a segment with the document indexes its row lists."""
    return {token: lookup(row, token).tolist() for token, row in rows_by_token(segment).items()}


def corpus(documents: int, seed: int) -> tuple[list[str], list[str]]:
    """Texts of a few common characters (lists long enough to be bitmaps) and a few
    rare ones (short lists), so rows mix both forms."""
    rng = random.Random(seed)
    common, rare = "国家人民", "春耕政协主席"
    heads = ["".join(rng.choices(common + rare, k=rng.randint(0, 4))) for _ in range(documents)]
    bodies = [
        " ".join("".join(rng.choices(common, k=5)) + rng.choice(rare) for _ in range(3))
        for _ in range(documents)
    ]
    return heads, bodies


def expected(heads: list[str], bodies: list[str], token: int) -> list[int]:
    """The documents holding ``token``, worked out from the texts themselves."""
    head = bool(token & postings.HEAD)
    across = bool(token & postings.ACROSS)
    first = chr((token >> postings.CHAR_BITS) & 0x1FFFFF)
    second = chr(token & 0x1FFFFF) if token & 0x1FFFFF else ""
    string = f"{first} {second}" if across else first + second
    texts = heads if head else [f"{h} {b}" for h, b in zip(heads, bodies, strict=True)]
    return [n for n, text in enumerate(texts) if string in text]


@pytest.mark.parametrize("documents", [1, 15, 16, 17, 37, 100, 1000])
def test_long_lists_are_bitmaps_and_read_as_lists(documents):
    heads, bodies = corpus(documents, documents)
    segment = build(list(range(5, 5 + documents)), heads, bodies)
    lists = every_list(segment)
    assert lists
    for token, listed in lists.items():
        assert listed == expected(heads, bodies, token), hex(token)
    if documents >= 17:  # some lists are longer than a bitmap of the documents
        assert any(len(listed) > (documents + 15) // 16 for listed in lists.values())


def test_rows_of_lists_only_are_read_as_before(monkeypatch):
    """Rows written before bitmaps (every list as indexes) read the same."""
    heads, bodies = corpus(300, 7)
    numbers = list(range(300))
    with_bitmaps = every_list(build(numbers, heads, bodies))
    monkeypatch.setattr(postings, "as_bitmaps", lambda counts, words: counts < 0)
    lists_only = build(numbers, heads, bodies)
    assert every_list(lists_only) == with_bitmaps
    row = dict(lists_only.rows)
    token = string_tokens("国家")[0]
    assert lookup(row[bucket(token, lists_only.buckets)], token).tolist() == expected(
        heads, bodies, token
    )


def test_a_bitmap_costs_a_sixteenth_of_a_full_list():
    heads, bodies = [""] * 4096, ["国家"] * 4096
    segment = build(list(range(4096)), heads, bodies)
    assert sum(len(row) for _, row in segment.rows) < 4 * (4096 * 2 // 16) + 200


@pytest.mark.parametrize("documents", [17, 100, 1000])
def test_lists_as_stored_intersect_as_sets(documents):
    """Every combination of a segment's lists, some bitmaps and some indexes, meets in
    exactly the documents common to their sets: filtered through the bitmaps' bits,
    or the bitmaps combined byte by byte, never decoded first."""
    from editions.search.postings import lookup_stored
    from editions.search.scan import _all_of

    heads, bodies = corpus(documents, documents + 1)
    segment = build(list(range(5, 5 + documents)), heads, bodies)
    rows = rows_by_token(segment)
    tokens = sorted(rows)
    stored = {token: lookup_stored(rows[token], token) for token in tokens}
    assert {listed.dtype for listed in stored.values()} == {np.dtype("<u2"), np.dtype("u1")}
    rng = random.Random(documents)
    for _ in range(300):
        chosen = rng.sample(tokens, rng.randint(1, 4))
        sets = [set(lookup(rows[token], token).tolist()) for token in chosen]
        found = _all_of([stored[token] for token in chosen])
        assert found.tolist() == sorted(set.intersection(*sets)), [hex(t) for t in chosen]
    assert _all_of([]).tolist() == []
    assert _all_of([stored[tokens[0]], postings.EMPTY]).tolist() == []


def test_an_intersection_ignores_what_lies_past_a_bitmap():
    """Bitmaps of different lengths meet over the shorter; an index past a bitmap's
    end is in no bitmap (neither can come from one segment's rows, but a reader must
    not fail on them)."""
    from editions.search.scan import _all_of

    short = np.array([0b00000101, 0b00000001], dtype=np.uint8)  # documents 0, 2, 8
    long = np.array([0b00000111, 0b00000001, 0xFF, 0xFF], dtype=np.uint8)  # 0-2, 8, 16-31
    assert _all_of([short, long]).tolist() == [0, 2, 8]
    indexes = np.array([2, 8, 20, 40], dtype="<u2")
    assert _all_of([indexes, long]).tolist() == [2, 8, 20]
    assert _all_of([indexes, short]).tolist() == [2, 8]


@pytest.mark.parametrize("native", [True, False])
def test_both_readers_of_a_row_read_every_list(monkeypatch, native):
    """The row reader through a memoryview (where the machine is little-endian, as
    rows are) and the portable one read every list as the texts say."""
    monkeypatch.setattr(postings, "_NATIVE", native)
    heads, bodies = corpus(1000, 3)
    for token, listed in every_list(build(list(range(1000)), heads, bodies)).items():
        assert listed == expected(heads, bodies, token), hex(token)


def test_both_readers_of_a_row_agree_on_every_token_and_on_absent_ones():
    """Same lists, same forms (indexes or bitmap), and nothing for a token a row lacks:
    below its first token, between two, above its last."""
    heads, bodies = corpus(1000, 4)
    segment = build(list(range(1000)), heads, bodies)
    forms = set()
    for _, row in segment.rows:
        count = int.from_bytes(row[:8], "little")
        tokens = np.frombuffer(row, dtype="<u8", count=count, offset=8).tolist()
        absent = {tokens[0] - 1, tokens[-1] + 1}
        absent |= {a + 1 for a, b in pairwise(tokens) if b > a + 1}
        for token in tokens + sorted(absent):
            native = postings.lookup_stored(row, token)
            portable = postings._lookup_portable(row, token)
            assert native.dtype == portable.dtype, hex(token)
            assert native.tolist() == portable.tolist(), hex(token)
            if token in absent:
                assert native.tolist() == []
            else:
                forms.add(native.dtype)
    assert forms == {np.dtype("<u2"), np.dtype("u1")}
