"""The reader's query language, parsed into terms the index can look up.

* words separated by spaces must all match: ``春耕 备耕``;
* ``"..."`` is a phrase: its words in that order, with or without spaces between
  them (``"C919 客机"`` finds C919客机 and C919 客机); an unmatched quote runs to
  the end;
* ``-word`` (or ``-"a phrase"``) excludes articles containing it;
* anything else, punctuation and the search syntax of any database included, is
  text: it can never break the SQL or the full-text expression, because only the
  tokens of :mod:`editions.search.text` ever reach them.

A word without spaces is matched as a substring (国家 finds 国家主席), in its folded
spelling (國家 finds 国家). Queries longer than :data:`MAX_QUERY_LENGTH` characters
or with more than :data:`MAX_TERMS` words are cut, and :attr:`Query.notices` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import fold, tokens

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8

#: One piece of the query: an optional minus, then a quoted phrase or a bare word.
_PIECE = re.compile(r'(-?)(?:"([^"]*)(?:"|$)|([^\s"]+))')
#: Control characters (NUL included): never stored, never compared.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Tokens:
    """A sequence of index tokens that must stand consecutively.

    ``prefix`` marks the last token as a single character matching every token that
    starts with it (a run ending in one character, or a one-character word).
    """

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def is_char(self) -> bool:
        """A one-character word: every occurrence of that character."""
        return self.prefix and len(self.tokens) == 1


@dataclass(frozen=True)
class Term:
    """A word or phrase as typed and folded, with the token sequences that match it
    (more than one for a phrase typed with spaces)."""

    text: str
    folded: str
    alternatives: tuple[Tokens, ...]

    @property
    def highlight_parts(self) -> tuple[str, ...]:
        """The folded strings to mark in a snippet: the term's runs of word characters."""
        return tuple(part for part in re.split(r"[\W_]+", self.folded) if part)


def _sequence(runs: list[str]) -> Tokens:
    """The tokens of ``runs`` standing one after the other, separated by non-word text."""
    out: list[str] = []
    for run in runs:
        out.extend(tokens(run))
    last = runs[-1]
    if len(last) > 1:
        # The run's last character needn't end a run in the text: drop its lone token.
        out.pop()
        return Tokens(tuple(out))
    return Tokens(tuple(out), prefix=True)


def make_term(text: str, *, phrase: bool = False) -> Term | None:
    """The term for one word or phrase; None when it holds no word character."""
    folded = fold(text)
    runs = re.findall(r"[^\W_]+", folded)
    if not runs:
        return None
    alternatives = [_sequence(runs)]
    if phrase and len(runs) > 1:
        joined = _sequence(["".join(runs)])
        alternatives.insert(0, joined)
    return Term(text=text.strip(), folded=folded.strip(), alternatives=tuple(alternatives))


@dataclass
class Query:
    """A parsed query: what must match, what must not, and what was cut or ignored."""

    text: str = ""
    terms: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def all_terms(self) -> list[Term]:
        return [*self.terms, *self.excluded]

    @property
    def phrase(self) -> Tokens | None:
        """With several words, them all as one phrase in the typed order (ranks higher)."""
        if len(self.terms) < 2:
            return None
        runs = [run for term in self.terms for run in re.findall(r"[^\W_]+", term.folded)]
        return _sequence(["".join(runs)])

    def cache_key(self) -> str:
        return "|".join(
            [",".join(t.folded for t in self.terms), ",".join(t.folded for t in self.excluded)]
        )


def parse(raw: str | None) -> Query:
    """Parse what the reader typed; never fails, whatever the input."""
    text = _CONTROL.sub(" ", raw or "")
    text = " ".join(text.split())
    query = Query()
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        query.notices.append(
            _("The query was cut to its first %(count)d characters.") % {"count": MAX_QUERY_LENGTH}
        )
    query.text = text
    seen: set[tuple[bool, str]] = set()
    dropped = False
    for match in _PIECE.finditer(text):
        minus, quoted, bare = match.groups()
        phrase = quoted is not None
        term = make_term(quoted if phrase else bare, phrase=phrase)
        if term is None:
            continue
        key = (bool(minus), term.folded)
        if key in seen:
            continue
        seen.add(key)
        if len(query.terms) + len(query.excluded) >= MAX_TERMS:
            dropped = True
            continue
        (query.excluded if minus else query.terms).append(term)
    if dropped:
        query.notices.append(
            _("Only the first %(count)d words were searched for.") % {"count": MAX_TERMS}
        )
    if text and not query.terms:
        if query.excluded:
            query.notices.append(_("Add a word to find: a search cannot only exclude."))
        else:
            query.notices.append(_("The query holds no letters or digits to search for."))
    return query
