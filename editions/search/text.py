"""Text as the index sees it: folded to one spelling, cut into overlapping pairs.

*Folding* maps every character to one canonical form before anything is indexed
or looked up, the same way on both sides: traditional characters to simplified
(國 -> 国, from OpenCC's character table), full-width Latin and digits to ASCII
(Ｃ９１９ -> c919), upper to lower case. It works character by character and keeps
the length, so a position in folded text is the same position in the original:
that is what lets the snippet mark the reader's words in the text as printed.

*Tokens*: the text is cut into runs of word characters (Chinese, letters, digits;
punctuation and spaces end a run). Each position of a run gives one token: the
character with its right-hand neighbour (a bigram, 国家), or the character alone at
the end of the run (家). So a word of two characters is one token, a longer one is
a phrase of consecutive tokens, and a single character is every token that starts
with it (a prefix lookup): no query length falls through, and a match is exactly a
substring match within a run. Latin words and numbers are cut the same way, so
``C919`` and ``2024年`` match as typed, wherever they stand.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import cache
from operator import add

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
def _folded_characters() -> re.Pattern[str]:
    return re.compile("[{}]".format(re.escape("".join(map(chr, fold_table())))))


def _fold_one(match: re.Match[str]) -> str:
    return fold_table()[ord(match.group())]


def fold(text: str) -> str:
    """``text`` in the index's spelling, the same length as ``text``.

    ``lower()`` and a regular expression run at C speed; most text needs no change
    beyond them, so this costs a fraction of a per-character ``translate``.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is two characters (İ)
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _folded_characters().sub(_fold_one, lowered)


def tokens(folded: str) -> list[str]:
    """The tokens of folded text, one per character of each word run (see the module)."""
    out: list[str] = []
    for run in WORD_RUN.findall(folded):
        if len(run) > 1:
            out.extend(map(add, run, run[1:]))
        out.append(run[-1])
    return out


#: What separates runs (every character that is not a word character, NUL included).
_NON_WORD = re.compile(r"[\W_]+")
#: A separator and the first character of the run after it.
_RUN_START = re.compile(r"\x00.", re.DOTALL)
#: Code points of four bytes each (``I`` is four bytes on every platform CPython runs on;
#: the plain loop below stands in where it is not).
_UNITS = "I" if array("I").itemsize == 4 else None


def runs_text(folded: str) -> str:
    """The word runs of folded text joined by NUL: what :func:`token_text` and the
    distinct characters of a document are cut from."""
    return _NON_WORD.sub("\x00", folded).strip("\x00")


def token_text(runs: str) -> str:
    """``" ".join(tokens(...))`` of :func:`runs_text`'s output, at C speed.

    Indexing cuts about a thousand tokens an article, and a Python string per token
    costs more than the rest of the build: here the token string is woven from whole
    strings instead. In the text ``a b c NUL d e`` the token at each position is that
    character, the next one, a space (``ab bc c? ?d de e?``, ``?`` a NUL); the next
    character of the position before a run's first character is marked (``\x02``),
    so the tokens starting at separators drop out as ``NUL \x02 space`` and the NULs
    left at run ends go: ``ab bc c de e``.
    """
    if not runs:
        return ""
    if _UNITS is None:  # pragma: no cover - no four-byte array type
        return " ".join(tokens(runs.replace("\x00", " ")))
    following = _RUN_START.sub("\x00\x02", runs)[1:] + "\x00"
    woven = array(_UNITS, b" \x00\x00\x00") * (3 * len(runs))
    woven[0::3] = array(_UNITS, runs.encode("utf-32-le"))
    woven[1::3] = array(_UNITS, following.encode("utf-32-le"))
    text = woven.tobytes().decode("utf-32-le")
    return text.replace("\x00\x02 ", "").replace("\x00", "")[:-1]


def token_string(text: str) -> str:
    """Original text -> the space-separated tokens the index stores."""
    return token_text(runs_text(fold(text)))


def term_runs(folded_term: str) -> list[str]:
    """The word runs of a folded query term (punctuation inside a term separates runs)."""
    return WORD_RUN.findall(folded_term)
