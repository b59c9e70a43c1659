"""Readable differences between two versions of a text, for editors.

Chinese has no spaces between words, so a line-based diff would show a whole
paragraph as changed for one wrong character. Texts are compared paragraph by
paragraph (the body's blank-line structure, see :mod:`editions.body`), and the
paragraphs that changed character by character, so an editor sees exactly the
characters that were removed and added, with a little context around them.

Pure Python: no Django import, so it is tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, REMOVED, ADDED = "same", "removed", "added"

#: Below this similarity two versions of a paragraph are shown as one removed
#: and one added block: a character diff of a rewrite is noise.
REWRITE_RATIO = 0.4
#: Characters of unchanged text kept on each side of a change when trimming.
CONTEXT = 24
ELLIPSIS = "…"
#: How a paragraph break that was removed or added is made visible.
PARAGRAPH_MARK = "¶"

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of characters that is the same in both versions, removed, or added."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ChangedParagraph:
    """One changed place in a body: paragraph number(s) and both versions, marked."""

    old_number: int | None  # 1-based, None for an added paragraph
    new_number: int | None  # 1-based, None for a removed paragraph
    old: tuple[Piece, ...]
    new: tuple[Piece, ...]

    @property
    def number(self) -> int:
        return self.new_number or self.old_number or 0


@dataclass(frozen=True, slots=True)
class Unchanged:
    """Paragraphs left out of the diff because they did not change."""

    count: int


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs as the body format defines them: separated by blank lines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [chunk.strip() for chunk in _BLANK_LINES.split(text) if chunk.strip()]


def inline_diff(
    old: str, new: str, *, trim: bool = False
) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Both versions of a short text, split into same/removed/added pieces.

    With ``trim``, long unchanged stretches are shortened to their ends, so a
    one-character fix in a long paragraph is found at a glance.
    """
    old, new = old or "", new or ""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if old and new and matcher.ratio() < REWRITE_RATIO:
        old_pieces, new_pieces = [Piece(REMOVED, old)], [Piece(ADDED, new)]
    else:
        old_pieces, new_pieces = [], []
        for tag, i1, i2, j1, j2 in _absorb_crumbs(matcher.get_opcodes()):
            if tag == "equal":
                old_pieces.append(Piece(SAME, old[i1:i2]))
                new_pieces.append(Piece(SAME, new[j1:j2]))
                continue
            if i2 > i1:
                old_pieces.append(Piece(REMOVED, old[i1:i2]))
            if j2 > j1:
                new_pieces.append(Piece(ADDED, new[j1:j2]))
    old_pieces, new_pieces = _merge(old_pieces), _merge(new_pieces)
    if trim:
        old_pieces, new_pieces = _trim(old_pieces), _trim(new_pieces)
    return tuple(_mark_breaks(old_pieces)), tuple(_mark_breaks(new_pieces))


def body_diff(old: str, new: str) -> list[ChangedParagraph | Unchanged]:
    """The changed paragraphs of a body, in order, with the unchanged ones counted."""
    old_paragraphs, new_paragraphs = split_paragraphs(old), split_paragraphs(new)
    matcher = SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    result: list[ChangedParagraph | Unchanged] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.append(Unchanged(i2 - i1))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for offset, (before, after) in enumerate(
                zip(old_paragraphs[i1:i2], new_paragraphs[j1:j2], strict=True)
            ):
                old_pieces, new_pieces = inline_diff(before, after, trim=True)
                result.append(
                    ChangedParagraph(i1 + offset + 1, j1 + offset + 1, old_pieces, new_pieces)
                )
        else:
            # Paragraphs joined, split, added or removed: compare the stretch as a
            # whole so a moved paragraph break shows as one mark, not a rewrite.
            before = "\n".join(old_paragraphs[i1:i2])
            after = "\n".join(new_paragraphs[j1:j2])
            old_pieces, new_pieces = inline_diff(before, after, trim=True)
            result.append(
                ChangedParagraph(
                    i1 + 1 if i2 > i1 else None,
                    j1 + 1 if j2 > j1 else None,
                    old_pieces,
                    new_pieces,
                )
            )
    return result


def _absorb_crumbs(opcodes):
    """Fold one-character matches between two changes into the change.

    In Chinese a rewritten phrase often shares a stray 的 or 了 with the old one;
    showing it as unchanged splits one visible edit into two.
    """
    result: list[list] = []
    for index, opcode in enumerate(opcodes):
        tag, i1, i2, j1, j2 = opcode
        between_changes = 0 < index < len(opcodes) - 1 and result and result[-1][0] != "equal"
        if tag == "equal" and between_changes and i2 - i1 == 1:
            result[-1] = ["replace", result[-1][1], i2, result[-1][3], j2]
            continue
        if tag != "equal" and result and result[-1][0] != "equal":
            result[-1] = ["replace", result[-1][1], i2, result[-1][3], j2]
            continue
        result.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in result]


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def _trim(pieces: list[Piece]) -> list[Piece]:
    if all(piece.kind == SAME for piece in pieces):
        return pieces
    trimmed = []
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        text = piece.text
        if piece.kind == SAME and len(text) > 2 * CONTEXT + 1:
            if index == 0:
                text = ELLIPSIS + text[-CONTEXT:]
            elif index == last:
                text = text[:CONTEXT] + ELLIPSIS
            else:
                text = text[:CONTEXT] + ELLIPSIS + text[-CONTEXT:]
        trimmed.append(Piece(piece.kind, text))
    return trimmed


def _mark_breaks(pieces: list[Piece]) -> list[Piece]:
    """Make a removed or added paragraph break visible instead of an empty mark."""
    return [
        Piece(p.kind, p.text.replace("\n", PARAGRAPH_MARK + "\n")) if p.kind != SAME else p
        for p in pieces
    ]
