"""Text as the index sees it: folded to one spelling, cut into runs of word characters.

*Folding* maps every character to one canonical form before anything is indexed
or looked up, the same way on both sides: traditional characters to simplified
(國 -> 国, from OpenCC's character table), full-width Latin and digits to ASCII
(Ｃ９１９ -> c919), upper to lower case. It works character by character and keeps
the length, so a position in folded text is the same position in the original:
that is what lets the snippet mark the reader's words in the text as printed.

*Runs*: the text is cut into runs of word characters (Chinese, letters, digits;
punctuation and spaces end a run), joined by one space (:func:`word_runs`). A word
matches where it is a substring of a run, so ``国家`` finds 国家主席, and Latin
words and numbers (``C919``, ``2024年``) match as typed, wherever they stand; the
postings (:mod:`.postings`) cut the runs into characters and pairs of neighbours
to find the candidates quickly.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

#: Runs of word characters: letters (Chinese included) and digits, not the underscore.
WORD_RUN = re.compile(r"[^\W_]+")

#: The CJK blocks that hold traditional forms OpenCC maps to simplified ones.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def fold_table() -> dict[int, str]:
    """The per-character folding table, built once per process (about 0.2 s)."""
    from opencc import OpenCC

    table: dict[int, str] = {}
    to_simplified = OpenCC("t2s")
    for start, end in _CJK_RANGES:
        for code in range(start, end):
            char = chr(code)
            simplified = to_simplified.convert(char)
            if simplified != char and len(simplified) == 1:
                table[code] = simplified
    # Full-width ASCII (Ｃ９１９) and the ideographic space, and upper case: one
    # character each, so lengths never change.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "
    for code in range(0x80, 0x3400):
        char = chr(code)
        lowered = unicodedata.normalize("NFKC", char).lower()
        if lowered != char and len(lowered) == 1:
            table[code] = lowered
    return table


@cache
def _folded_characters(runs_only: bool = False) -> re.Pattern[str]:
    table = fold_table()
    if runs_only:  # what ends a run either way (，-> ,) changes no run: left alone
        table = {
            c: v
            for c, v in table.items()
            if not (_NON_WORD.fullmatch(chr(c)) and _NON_WORD.fullmatch(v))
        }
    return re.compile("[{}]".format(re.escape("".join(map(chr, table)))))


def _fold_one(match: re.Match[str]) -> str:
    return fold_table()[ord(match.group())]


def fold(text: str, *, runs_only: bool = False) -> str:
    """``text`` in the index's spelling, the same length as ``text``.

    ``lower()`` and a regular expression run at C speed; most text needs no change
    beyond them, so this costs a fraction of a per-character ``translate``.
    ``runs_only``: for :func:`word_runs` only, so punctuation that folds to other
    punctuation (full-width ，to ,) is left as it is: a tenth of the indexing time.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is two characters (İ)
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _folded_characters(runs_only).sub(_fold_one, lowered)


#: What separates runs (every character that is not a word character, NUL included).
_NON_WORD = re.compile(r"[\W_]+")


def index_runs(text: str) -> str:
    """``word_runs(fold(text))``: what the index stores of ``text``."""
    return word_runs(fold(text, runs_only=True))


def word_runs(folded: str) -> str:
    """The word runs of folded text joined by one space: what the index stores and
    every match is decided on (a word is a substring of one run, a phrase typed
    with spaces one of consecutive runs)."""
    return " ".join(WORD_RUN.findall(folded))  # a third faster than replacing the rest


def term_runs(folded_term: str) -> list[str]:
    """The word runs of a folded query term (punctuation inside a term separates runs)."""
    return WORD_RUN.findall(folded_term)
