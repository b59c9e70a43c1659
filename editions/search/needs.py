"""What a search looks for: the postings' tokens that find its candidates, and the SQL
that decides, on a candidate's stored runs, whether it matches and in which tier.

A :class:`Need` is what one scan of the index walks for (every match, or the
matches of one tier); a :class:`Check` is the one SQL test every candidate of a
search goes through once, whichever scans ask for it (:class:`.scan.Reader`).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import postings
from .query import Query, Term

#: Ranking tiers, best first: every word in the kicker, title or subtitle; the words
#: standing together as typed; the other matches.
HEAD_TIER, TOGETHER_TIER, OTHER_TIER = 2, 1, 0


@dataclass(frozen=True)
class Need:
    """What one scan looks for.

    ``groups``: every group must be met; a group is met by any of its
    alternatives; an alternative lists tokens that must all be present. ``tier``:
    only the matches of this tier (None: every match). What decides a match is the
    search's :class:`Check`, the same for every need.
    """

    groups: tuple[tuple[tuple[int, ...], ...], ...]
    tier: int | None = None

    @property
    def tokens(self) -> set[int]:
        return {t for group in self.groups for alt in group for t in alt}


@dataclass(frozen=True)
class Check:
    """The SQL a search's candidates are checked with, once each: ``match`` (a
    condition) and ``tier`` (an integer expression, for the rows that match: asked
    only by the page's scans, with the match or after it)."""

    match: tuple[str, list]
    tier: tuple[str, list]


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


def match_need(query: Query) -> Need:
    """Every word (the excluded ones are the check's to leave out)."""
    return Need(tuple(_group(t) for t in query.terms))


def match_check(backend, query: Query, *, text: bool = False) -> tuple[str, list]:
    """The SQL condition (on the entry ``e``) that decides a match of a candidate:
    every word, none of the excluded ones. The words the postings decide alone
    (:func:`_exact`: most Chinese queries) are not checked again on the text, unless
    ``text`` (a check with no postings before it)."""
    return _and(
        [_has(backend, t.alternatives) for t in query.terms if text or not _exact(t)]
        + [_not(_has(backend, t.alternatives)) for t in query.excluded]
    )


def _in_head(backend, query: Query) -> tuple[str, list]:
    return _and([_has(backend, t.alternatives, ("e.head",)) for t in query.terms])


def tier_needs(query: Query) -> list[Need]:
    """A need per tier, from the best down; each finds only its own tier's matches
    (:func:`check`), its candidates from its own tokens: the head's for the first,
    the words as typed together for the second.

    Every tier's candidates are candidates of the match too (the head's tokens are
    also the whole text's; the second tier asks for every word's tokens besides
    those of the words together): the check leaves the short words to the postings
    (:func:`_exact`), so it may only ever see numbers whose postings hold them.
    """
    match = match_need(query)
    tiers = [Need(tuple(_group(t, head=True) for t in query.terms), HEAD_TIER)]
    if query.together:
        together = (tuple(tuple(postings.string_tokens(s)) for s in query.together),)
        tiers.append(Need(match.groups + together, TOGETHER_TIER))
    tiers.append(Need(match.groups, OTHER_TIER))
    return tiers


def check(backend, query: Query) -> Check:
    """The check of every candidate: does it match, and in which tier."""
    in_head = _in_head(backend, query)
    cases, params = [f"WHEN {in_head[0]} THEN {HEAD_TIER}"], list(in_head[1])
    if query.together:
        together = _has(backend, query.together)
        cases.append(f"WHEN {together[0]} THEN {TOGETHER_TIER}")
        params += together[1]
    tier = (f"CASE {' '.join(cases)} ELSE {OTHER_TIER} END", params)
    return Check(match_check(backend, query), tier)
