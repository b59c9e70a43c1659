"""The text article view: the seed's form, read block by block top to bottom.

Also the reader behind HTML pages without usable marks (their visible text), which
is why :func:`parse_lines` takes hints that only HTML can give.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..assembly import Pages, build_blocks, credits_of, split_headlines
from ..lines import (
    BLANK,
    CHROME,
    CURRENT,
    CURRENT_RE,
    DASHES,
    EDITOR,
    JUMP,
    MARK,
    MARK_RE,
    NAV_WORDS,
    PAGE_ENTRY,
    SENTENCE_END,
    TEXT,
    classify,
    date_line,
    date_of,
    is_credit_line,
    is_subtitle,
    marked_name,
    page_entry,
    paper_of_date_line,
)
from ..lines import (
    byline as byline_of,
)
from ..model import PageParseError, ParsedPage, Region
from ..registry import Source
from ..text import make_date, match_key

NAME = "text"


def sniff(source: Source) -> bool:
    """Every file no other form took: the catch-all, tried last."""
    return True


def parse(source: Source) -> ParsedPage:
    return parse_lines(source.text.splitlines(), form=NAME, key=source.key)


def parse_lines(
    raw_lines: Sequence[str],
    *,
    form: str,
    key: str = "",
    title_hint: str = "",
    extra_pages: Sequence[tuple[str, str]] = (),
    extra_headlines: Sequence[tuple[str, str]] = (),
    regions: tuple[Region, ...] = (),
    fallback_label: str = "",
    paper_name: str = "",
) -> ParsedPage:
    """Read the blocks of a text page top to bottom (see the format description).

    ``fallback_label`` is the page label an HTML page gives outside its visible
    text (its <title>), used only when the text prints none.
    """
    norm = [" ".join(raw.split()) for raw in raw_lines]
    kinds = [classify(s) for s in norm]
    count = len(norm)

    label = ""
    date = None
    mark_date = None
    for s, kind in zip(norm, kinds, strict=True):
        if kind == CURRENT:
            match = CURRENT_RE.search(s)
            if match and not label:
                label = match.group(1)
        elif kind == MARK:
            match = MARK_RE.match(s)
            if match:
                label = label or match.group(5)
                mark_date = mark_date or make_date(*match.group(2, 3, 4))
                paper_name = paper_name or match.group(1).strip()

    # Header: chrome, date lines and (in odd layouts) page list entries above the text.
    header_entries: list[tuple[str, str]] = []
    first = 0
    while first < count:
        kind = kinds[first]
        if kind in (BLANK, CHROME, CURRENT, MARK):
            first += 1
            continue
        if kind == PAGE_ENTRY:
            entry = page_entry(norm[first])
            if entry:
                header_entries.append(entry)
            first += 1
            continue
        if kind == TEXT:
            found = date_line(norm[first])
            if found is not None:
                date = date or date_of(found)
                paper_name = paper_name or paper_of_date_line(norm[first])
                first += 1
                continue
        break

    # Footer: from the first navigation line after the article's first line on, the
    # rest of the file is page list and headline list.
    nav = first + 1
    while nav < count:
        kind = kinds[nav]
        if kind == PAGE_ENTRY or (kind == CHROME and norm[nav].startswith(NAV_WORDS)):
            break
        nav += 1
    entries: list[tuple[str, str]] = []
    nav_lines: list[str] = []
    for index in range(nav, count):
        kind = kinds[index]
        if kind == PAGE_ENTRY:
            entry = page_entry(norm[index])
            if entry:
                entries.append(entry)
        elif kind in (TEXT, EDITOR, JUMP):
            nav_lines.append(norm[index])
    headlines, credit_lines = split_headlines(nav_lines)
    links: list[str] = [""] * len(headlines)
    entries = list(extra_pages) or entries or header_entries
    if extra_headlines:
        listed = [(s, k) for s, k in extra_headlines if not ("编" in s and is_credit_line(s))]
        list_credits = [s for s, _ in extra_headlines if "编" in s and is_credit_line(s)]
        headlines = [s for s, _ in listed]
        links = [k for _, k in listed]
        credit_lines = list_credits + credit_lines
    pages = Pages(entries)

    label = label or fallback_label
    if not label:
        raise PageParseError("no page number found")
    page_number = pages.number(label)
    if not page_number:
        raise PageParseError("no page number found")

    # Title block: the headline list (or the HTML title mark) names the title.
    region = [i for i in range(first, min(nav, count)) if kinds[i] == TEXT]
    if not region:
        raise PageParseError("no title found")
    candidates = region[:8]
    title_at = kicker_at = None
    place = None
    if title_hint:
        place = _find_key({match_key(title_hint)}, norm, region)
        candidates = region
    if place is None and headlines:
        place = _find_key({match_key(h) for h in headlines}, norm, candidates)
    if place is not None:
        title_at = candidates[place]
        if place:
            above = norm[candidates[place - 1]]
            if (
                len(above) <= 40
                and above[-1] not in SENTENCE_END
                and date_line(above) is None
                and not is_subtitle(above)
            ):
                kicker_at = candidates[place - 1]
        if date is None:
            stop = kicker_at if kicker_at is not None else title_at
            date = next(
                (d for i in candidates if i < stop if (d := date_of(date_line(norm[i])))),
                None,
            )
    else:
        title_at, kicker_at = _guess_title(norm, raw_lines, candidates)
    title = norm[title_at]

    subtitle = byline = ""
    body_from = title_at + 1
    for _ in range(2):
        while body_from < nav and kinds[body_from] in (BLANK, CHROME, CURRENT, MARK):
            body_from += 1
        if body_from >= nav or kinds[body_from] != TEXT:
            break
        s = norm[body_from]
        if not subtitle and not byline and is_subtitle(s):
            subtitle = s.lstrip(DASHES)
        elif not byline and (credit := byline_of(s) or marked_name(s)):
            byline = credit
        else:
            break
        body_from += 1

    blocks, body_credits = build_blocks(
        zip(norm[body_from:nav], kinds[body_from:nav], strict=True), page_number, pages
    )
    editor, editors = credits_of(credit_lines + body_credits, label)
    return ParsedPage(
        page_number=page_number,
        page_label=label,
        title=title,
        kicker=norm[kicker_at] if kicker_at is not None else "",
        subtitle=subtitle,
        byline=byline,
        blocks=tuple(blocks),
        pages=pages.refs,
        headlines=tuple(headlines),
        editor=editor,
        date=date or mark_date,
        regions=regions,
        form=form,
        article_key=key,
        headline_links=tuple(links),
        paper_name=paper_name,
        editors=editors,
    )


def _find_key(keys: set[str], norm: Sequence[str], indexes: Sequence[int]) -> int | None:
    """Place in ``indexes`` of the first line whose match key is one of ``keys``."""
    for place, index in enumerate(indexes):
        if match_key(norm[index]) in keys:
            return place
    return None


def _guess_title(
    norm: Sequence[str], raw_lines: Sequence[str], candidates: Sequence[int]
) -> tuple[int, int | None]:
    """(title, kicker) line indexes when no headline list names the title.

    The first line is the title, unless it and the next line are both un-indented
    header lines (short, not a sentence, not a subtitle or byline) and more text
    follows: then the first is the kicker, the way 引题 is set above 主题.
    """
    if len(candidates) >= 3:
        first, second = candidates[0], candidates[1]
        if all(
            not raw_lines[i][:1].isspace()
            and len(norm[i]) <= 40
            and norm[i][-1] not in SENTENCE_END
            and not is_subtitle(norm[i])
            and not byline_of(norm[i])
            and not marked_name(norm[i])
            for i in (first, second)
        ):
            return second, first
    return candidates[0], None
