"""Assembly of an HTML article view whose template marks its parts.

Each HTML template finds its kicker, title, subtitle, byline, body and page in its
own places; what follows is the same for all of them (the page number against the
page list, the date, blocks across jumps, subheads, byline or dateline in the first
paragraph, photos, credits), so it is written once here.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from bs4.element import NavigableString, PreformattedString, Tag

from . import html as H
from . import lines as L
from . import navigation as N
from .assembly import SUBHEAD, Pages, build_blocks, credits_of
from .model import PageParseError, ParsedPage, Photo
from .text import make_date, match_key, norm_lines


def strong_only(node: Tag) -> bool:
    """True for a paragraph whose visible text is all inside <strong>/<b>."""
    bold = False
    for item in node.descendants:
        if isinstance(item, NavigableString) and not isinstance(item, PreformattedString):
            if not item.strip():
                continue
            if not any(
                isinstance(p, Tag) and p.name in ("strong", "b")
                for p in item.parents
                if p is not node
            ):
                return False
            bold = True
    return bold


def body_paragraphs(body: Tag, skip: set[int]) -> list[tuple[str, bool]]:
    """(line, is all bold) of the body's innermost <p>s (or its text), captions left out."""
    paragraphs = [p for p in H.descendant_tags(body, "p") if not H.descendant_tags(p, "p")]
    out: list[tuple[str, bool]] = []
    for node in paragraphs or [body]:
        if id(node) in skip:
            continue
        texts = norm_lines(H.text_lines(node))
        bold = len(texts) == 1 and len(texts[0]) <= L.SHORT and strong_only(node)
        out.extend((s, bold) for s in texts)
    return out


def build(
    marks: H.Marks,
    *,
    form: str,
    key: str,
    title: str,
    body: Tag | None,
    kicker: str = "",
    subtitle: str = "",
    byline: str = "",
    label: str = "",
    date: datetime.date | None = None,
    fallback_label: str = "",
    headlines: Sequence[tuple[str, str]] | None = None,
    page_entries: Sequence[tuple[str, str]] | None = None,
    photo_scope: Tag | None = None,
    paper: str = "",
) -> ParsedPage:
    """The ParsedPage of a marked article; ``label``/``date`` when the template gave them.

    The page's visible text is still read for what templates print rather than mark:
    the current page (当前版 or the 《报名》（date 第 N 版） line, else the
    ``fallback_label`` of the page's <title>) and a date line above the title.
    """
    lines = norm_lines(H.text_lines(marks.root.body or marks.root))
    kinds = [L.classify(s) for s in lines]
    found_label = ""
    line_date = mark_date = None
    title_key = match_key(title)
    before_title = True
    for s, kind in zip(lines, kinds, strict=True):
        if before_title and match_key(s) == title_key:
            before_title = False
        if kind == L.CURRENT:
            match = L.CURRENT_RE.search(s)
            found_label = found_label or (match.group(1) if match else "")
        elif kind == L.MARK:
            match = L.MARK_RE.match(s)
            if match:
                found_label = found_label or match.group(5)
                mark_date = mark_date or make_date(*match.group(2, 3, 4))
        elif before_title and kind == L.TEXT and line_date is None:
            line_date = L.date_of(L.date_line(s))
    entries = list(page_entries) if page_entries is not None else N.page_list(marks)
    if not entries:
        entries = [
            entry
            for s, kind in zip(lines, kinds, strict=True)
            if kind == L.PAGE_ENTRY and (entry := L.page_entry(s)) is not None
        ]
    pages = Pages(entries)
    if not label and not found_label and (banner := N.page_banner(marks)) is not None:
        found_label = banner[0]
    label = label or found_label or fallback_label
    page_number = pages.number(label) if label else None
    if not page_number:
        raise PageParseError("no page number found")
    if not title:
        raise PageParseError("no title found")

    photos: list[Photo] = []
    skip: set[int] = set()
    if photo_scope is not None or body is not None:
        photos, skip = N.photos(photo_scope or body, marks)
    body_lines = body_paragraphs(body, skip) if body is not None else []
    if body_lines and not byline:
        first = body_lines[0][0]
        if credit := L.byline(first):
            byline = credit
            body_lines.pop(0)
        elif parts := L.dateline(first):
            # 湖北日报讯（记者江卉）…: the credit is the byline; the dateline stays with
            # the text it introduces, and goes when nothing follows it.
            name, credit, rest = parts
            byline = credit
            if rest:
                body_lines[0] = (f"{name} {rest}", False)
            else:
                body_lines.pop(0)
    blocks, body_credits = build_blocks(
        ((s, L.classify(s), SUBHEAD if bold else "") for s, bold in body_lines),
        page_number,
        pages,
    )
    listed = list(headlines) if headlines is not None else N.headline_list(marks)
    kept = [(s, k) for s, k in listed if not ("编" in s and L.is_credit_line(s))]
    list_credits = [s for s, _ in listed if "编" in s and L.is_credit_line(s)]
    editor, editors = credits_of(list_credits + body_credits, label)
    return ParsedPage(
        page_number=page_number,
        page_label=label,
        title=title,
        kicker=kicker,
        subtitle=subtitle.lstrip(L.DASHES),
        byline=byline,
        blocks=tuple(blocks),
        pages=pages.refs,
        headlines=tuple(s for s, _ in kept),
        editor=editor,
        date=date or line_date or mark_date,
        regions=N.regions(marks),
        form=form,
        article_key=key,
        headline_links=tuple(k for _, k in kept),
        photos=tuple(photos),
        paper_name=paper or N.paper_name(marks, lines),
        editors=editors,
    )
