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

from .text import fold, term_runs

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8

#: One piece of the query: an optional minus, then a quoted phrase or a bare word.
_PIECE = re.compile(r'(-?)(?:"([^"]*)(?:"|$)|([^\s"]+))')
#: Control characters (NUL included): never stored, never compared.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Term:
    """A word or phrase as typed and folded, with the strings that match it: any of
    them standing in an article's runs (:func:`editions.search.text.word_runs`).

    A word is its runs joined by one space (``a-b`` is ``a b``: runs separated by
    anything); a quoted phrase also matches with its runs written together
    (``"C919 客机"`` finds C919客机 and C919 客机).
    """

    text: str
    folded: str
    alternatives: tuple[str, ...]

    @property
    def highlight_parts(self) -> tuple[str, ...]:
        """The folded strings to mark in a snippet: the term's runs of word characters."""
        return tuple(part for part in re.split(r"[\W_]+", self.folded) if part)


def make_term(text: str, *, phrase: bool = False) -> Term | None:
    """The term for one word or phrase; None when it holds no word character."""
    folded = fold(text)
    runs = term_runs(folded)
    if not runs:
        return None
    alternatives = [" ".join(runs)]
    if phrase and len(runs) > 1:
        alternatives.insert(0, "".join(runs))
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
    def together(self) -> tuple[str, ...]:
        """With several words, the strings of them all standing together in the typed
        order (ranked above the words apart); none with one word."""
        if len(self.terms) < 2:
            return ()
        runs = [run for term in self.terms for run in term_runs(term.folded)]
        return ("".join(runs), " ".join(runs))

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
