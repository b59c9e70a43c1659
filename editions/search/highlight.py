"""The reader's words marked in a result: in the title, kicker and subtitle, and in a
snippet of the body around the place where most of them meet.

Text is split into :class:`Part` s (text, marked or not) and the template writes
each part escaped: an article's text may hold markup, which must stay text. Words
are found in the folded text, which has the original's length (see
:mod:`editions.search.text`), so a traditional 國家 in the article is marked for a
search of 国家 at the very same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .query import Query
from .text import fold

SNIPPET_LENGTH = 110
LEAD = 30


@dataclass(frozen=True)
class Part:
    text: str
    marked: bool = False


def _spans(folded: str, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    spans = []
    for word in words:
        start = folded.find(word)
        while start >= 0:
            spans.append((start, start + len(word), word))
            start = folded.find(word, start + 1)
    return sorted(spans)


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end, _ in spans:
        if out and start < out[-1][1]:  # overlapping; words side by side stay apart
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def _parts(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    parts, at = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        if a > at:
            parts.append(Part(text[at:a]))
        parts.append(Part(text[a:b], True))
        at = b
    if at < end:
        parts.append(Part(text[at:end]))
    return parts


def words_of(query: Query) -> tuple[str, ...]:
    """The folded strings to mark: each word's runs of letters and digits, longest first."""
    words = {part for term in query.terms for part in term.highlight_parts}
    return tuple(sorted(words, key=len, reverse=True))


def marked(text: str, words: tuple[str, ...]) -> list[Part]:
    """All of ``text`` with every occurrence of ``words`` marked."""
    if not text:
        return []
    return _parts(text, _merged(_spans(fold(text), words)))


def snippet(texts: list[str], words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> list[Part]:
    """About ``length`` characters of the text where most different words are found
    close together; ``…`` where it was cut. Empty when no text holds any word."""
    best: tuple[int, int, str, int, list] | None = None  # (-distinct, -count, ...)
    for text in texts:
        text = " ".join(text.split())
        spans = _spans(fold(text), words)
        for start, _, _ in spans[:60]:  # enough starts to find the best window
            window = [s for s in spans if start <= s[0] and s[1] <= start + length - LEAD]
            score = (-len({s[2] for s in window}), -len(window))
            if best is None or score < best[:2]:
                best = (*score, text, start, spans)
    if best is None:
        return []
    _, _, text, first, spans = best
    start = max(0, first - LEAD)
    end = min(len(text), start + length)
    parts = _parts(text, _merged(spans), start, end)
    if start > 0:
        parts.insert(0, Part("…"))
    if end < len(text):
        parts.append(Part("…"))
    return parts
