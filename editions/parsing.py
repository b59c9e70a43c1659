"""Parse one *raw page file* of the digital edition (数字报) into plain dataclasses.

A raw page file is one article view of an e-paper saved as text or as the HTML page
itself: the article (kicker, title, subtitle, byline, body) framed by navigation
(current page, the edition's page list, the headlines of the page). The format and
its variants are described in ``docs/raw-page-format.md`` of the shared docs.

This module is deliberately pure: bytes in, frozen dataclasses out, no Django and
no I/O, so it can be tested without a database and run fast enough for a bulk
import (well over a thousand files a second). Writing rows is the importer's job.

The public entry points are :func:`parse_page`, :func:`decode` and
:func:`date_from_path`; every failure to read a file as a page is a
:class:`PageParseError` whose message is a one-line reason.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

__all__ = [
    "Block",
    "PageParseError",
    "PageRef",
    "ParsedPage",
    "Region",
    "date_from_path",
    "decode",
    "label_key",
    "match_key",
    "parse_page",
    "section_of",
]


class PageParseError(ValueError):
    """Raised for a file that is not a raw page file.

    ``str(exc)`` is a one-line reason in English ('no title found', 'empty file'...),
    without the file name: the caller knows which file it was reading and names it.
    """


@dataclass(frozen=True, slots=True)
class PageRef:
    """One entry of the edition's page list (版面导航)."""

    number: int  # 1-based order in the edition (position in the list)
    label: str  # as printed, without 第/版: "01", "A01"
    name: str  # 版名 as printed: "理论特刊 ④" ('' when the entry has no name)
    section: str  # the name without its trailing ordinal: "理论特刊"


@dataclass(frozen=True, slots=True)
class Block:
    """One body paragraph or in-body subhead, with the page it is printed on."""

    kind: str  # "paragraph" or "subhead"
    text: str
    page: int  # page NUMBER (order in the edition)


@dataclass(frozen=True, slots=True)
class Region:
    """One ``<area>`` of an HTML page-image map, kept for a page-image navigator."""

    shape: str
    coords: str
    href: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything one raw page file says about its article, page and edition."""

    page_number: int
    page_label: str
    title: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    blocks: tuple[Block, ...] = ()
    pages: tuple[PageRef, ...] = ()
    headlines: tuple[str, ...] = ()
    editor: str = ""
    date: datetime.date | None = None
    regions: tuple[Region, ...] = ()

    @property
    def page_numbers(self) -> tuple[int, ...]:
        """Pages the article is printed on, in order of first appearance.

        Starts with ``page_number`` even when the body is empty, so an importer can
        always attach the article to the page the file was saved from.
        """
        seen = [self.page_number]
        for block in self.blocks:
            if block.page not in seen:
                seen.append(block.page)
        return tuple(seen)

    @property
    def position(self) -> int | None:
        """1-based place of the title among the page's headlines; None if not listed."""
        wanted = match_key(self.title)
        for index, headline in enumerate(self.headlines, 1):
            if match_key(headline) == wanted:
                return index
        return None

    @property
    def page_ref(self) -> PageRef | None:
        """The page list entry of the current page, when the file has a page list."""
        for ref in self.pages:
            if ref.number == self.page_number:
                return ref
        return None


# --------------------------------------------------------------------------------------
# Decoding

_UTF8_BOM = b"\xef\xbb\xbf"
_GB18030_BOM = b"\x84\x31\x95\x33"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 controls other than tab and line ends, DEL and C1: never part of a page's text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode(data: bytes) -> str:
    """Decode a raw page file: BOM first, then strict UTF-8, then strict GB18030.

    The order matters: real GB18030 text is almost never valid UTF-8, while UTF-8 text
    often is "valid" GB18030 garbage, so trying UTF-8 first never produces mojibake.
    A UTF-16 file is only accepted with its BOM (Notepad writes one); any other NUL
    byte means a binary file. Strict decoding means an undecodable file is rejected
    rather than imported with replacement characters.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PageParseError("cannot decode as UTF-16 despite its BOM") from None
        if "\x00" in text:
            raise PageParseError("binary file (NUL bytes)")
        return text
    if b"\x00" in data:
        raise PageParseError("binary file (NUL bytes)")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    elif data.startswith(_GB18030_BOM):
        data = data[len(_GB18030_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise PageParseError("cannot decode as UTF-8 or GB18030") from None


# --------------------------------------------------------------------------------------
# Numbers, labels, sections

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "〇零一二两三四五六七八九十百"


def _cn_to_int(text: str) -> int:
    """Read a Chinese numeral as printed on a page (一, 十二, 二十, 一〇二)."""
    if "十" not in text and "百" not in text:
        # Digit by digit: 一〇二 -> 102.
        value = 0
        for char in text:
            value = value * 10 + _CN_DIGITS.get(char, 0)
        return value
    total = current = 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(char, 0)
    return total + current


_LABEL_PARTS_RE = re.compile(r"([A-Za-z]*)(\d+)([A-Za-z]*)")


def _label_value(label: str) -> int | None:
    """The integer a page label stands for ("04" -> 4, "A03" -> 3, "十二" -> 12)."""
    match = _LABEL_PARTS_RE.search(label)
    if match:
        return int(match.group(2))
    if label and all(char in _CN_NUM for char in label):
        return _cn_to_int(label)
    return None


def label_key(label: str) -> str:
    """Comparable form of a printed page label: "04", "4" and "四" all give "4".

    Jump lines print "第4版" where the page list prints "第04版", so labels are
    compared without leading zeros and with Chinese numerals read as numbers.
    """
    label = "".join(label.split())
    match = _LABEL_PARTS_RE.fullmatch(label)
    if match:
        return f"{match.group(1).upper()}{int(match.group(2))}{match.group(3).upper()}"
    value = _label_value(label)
    return str(value) if value is not None else label.upper()


_SEP = r"\s·・•\-—_.、"
_SECTION_SUFFIX_RE = re.compile(
    rf"[{_SEP}]*(?:"
    # circled, parenthesised, full-stop and dingbat numbers: ① ⑴ ⒈ ❶ ➀ ㉑ ⓫
    r"[\u2460-\u24b5\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"
    r"|[\u2160-\u2188]+"  # Ⅰ Ⅱ ... ⅻ
    rf"|(?<=[{_SEP}])[IVXLivxl]+"  # ASCII roman numerals, only after a separator
    r"|\d+"
    rf"|[（(]\s*(?:\d+|[{_CN_NUM}]+|[IVXivx]+)\s*[）)]"
    rf"|之[{_CN_NUM}]+"
    rf"|第\s*(?:\d+|[{_CN_NUM}]+)\s*(?:期|版|部分|篇|辑)?"
    rf"|(?<=[{_SEP}])[{_CN_NUM}]+"  # a bare Chinese numeral only after a separator
    r")\s*$"
)


def section_of(name: str) -> str:
    """The section behind a page name: the name without a trailing ordinal.

    "理论特刊 ④" is the fourth page of the section "理论特刊"; grouping pages by
    section needs the name without that marker. A name that is nothing but a
    marker is kept whole rather than turned into an empty section.
    """
    match = _SECTION_SUFFIX_RE.search(name)
    if match is None:
        return name
    section = name[: match.start()].rstrip()
    return section or name


# --------------------------------------------------------------------------------------
# Line classification (shared by the text and the HTML readers)

_LABEL = r"[A-Za-z]?\d{1,3}[A-Za-z]?"
_CN_LABEL = rf"[{_CN_NUM}]{{1,4}}"

_CURRENT_RE = re.compile(rf"当前版\s*[:：]?\s*第?\s*({_LABEL}|{_CN_LABEL})\s*版")
_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|(?<!\d)(\d{4})([-/.])(\d{1,2})\5(\d{1,2})(?!\d)"
)
# What may stand next to the date on a date line: the paper's name, weekday, lunar
# date, page. Anything else (e.g. "起施行新规") makes it a headline, not a date line.
_DATE_TOKEN_RE = re.compile(
    r"《?[^\s《》\d]{1,15}[报刊]》?"
    r"|[（(]?(?:星期|礼拜|周)[一二三四五六日天][）)]?"
    r"|农历\S{0,12}"
    r"|第\s*\S{1,4}\s*版|第|版|\d{1,3}"
    r"|[|｜/／·,，\-—]"
)
# 《人民日报》（2024年01月07日 第 01 版）: the mark Founder pages print under the text.
_MARK_RE = re.compile(
    r"《[^》]{1,30}》\s*[（(]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*"
    rf"第\s*({_LABEL}|{_CN_LABEL})\s*版\s*[）)]"
)
_PAGE_ENTRY_RE = re.compile(
    rf"(?:第\s*({_LABEL}|{_CN_LABEL})|({_LABEL}))\s*版(?:\s*[:：]\s*(.*)|\s+(.+))?"
)
_JUMP_TOKEN_RE = re.compile(rf"(下转|上接|转至|转|接|续)\s*第?\s*({_LABEL}|{_CN_LABEL})\s*版")
_JUMP_REST_RE = re.compile(r"[\s■□◆◇●○▲△▼▽★☆※►▶→（）()【】\[\]〔〕,，;；、.。:：]*")
_JUMP_BOX = r"[（(【\[〔]\s*[■□◆●]?\s*"
_JUMP_BOX_END = r"\s*[）)】\]〕]"
_INLINE = rf"(?:下转|转至|转|上接|接|续)\s*第?\s*(?:{_LABEL}|{_CN_LABEL})\s*版"
_TRAILING_JUMP_RE = re.compile(rf"\s*(?:{_JUMP_BOX}{_INLINE}{_JUMP_BOX_END}|[■□◆●]\s*{_INLINE})$")
_LEADING_JUMP_RE = re.compile(rf"^(?:{_JUMP_BOX}{_INLINE}{_JUMP_BOX_END}|[■□◆●]\s*{_INLINE})\s*")
_EDITOR_RE = re.compile(r"[（(【\[]?\s*(?:本版)?(?:责任编辑|责编|编辑)\s*[:：]\s*")
_EDITOR_END_RE = re.compile(r"\s+[^\s:：]{1,6}[:：]|[）)】\]]")
_BYLINE_RE = re.compile(
    r"[□■◆◇●○▲△★☆]?\s*(?:"
    r"(?:本报|新华社|人民日报|中新社)?(?:特约|见习|首席)?(?:记者|通讯员|评论员|撰稿人?)"
    r"|[文图]\s*[/／|｜]\s*[文图]|摄影|作者|撰文|[文图摄](?=\s|[:：])"
    r")"
)
_BYLINE_MARKS = "□■◆◇●○▲△★☆ "
_SUBTITLE_STARTS = ("—", "--", "－－", "―", "─")
_DASHES = "—–―─－-~～ "

_CHROME_WORDS = frozenset(
    (
        "往期阅读",
        "往期回顾",
        "上一版",
        "下一版",
        "上一篇",
        "下一篇",
        "上一期",
        "下一期",
        "放大",
        "缩小",
        "默认",
        "标题导航",
        "版面导航",
        "返回目录",
        "返回",
        "目录",
        "打印",
        "关闭",
        "PDF",
        "PDF下载",
        "下载PDF",
        "本版PDF",
        "版面概览",
        "首页",
        "字号",
    )
)
_CHROME_PREFIXES = ("当前版", "上一篇", "下一篇", "上一版", "下一版", "往期阅读")
# Chrome that cannot appear above an article's title: where it is seen after the first
# content line, the footer (and the page list / headline list) begins.
_NAV_WORDS = ("上一篇", "下一篇", "标题导航", "版面导航")

# Line kinds.
_BLANK, _CHROME, _CURRENT, _MARK, _PAGE_ENTRY, _JUMP, _EDITOR, _TEXT = range(8)

_SHORT = 60  # longer lines are body text: skip the cheaper-than-regex checks entirely


def _classify(s: str) -> int:
    """Kind of one normalised line; cheap tests first because most lines are body text."""
    if not s:
        return _BLANK
    if len(s) > _SHORT:
        return _TEXT
    if s in _CHROME_WORDS:
        return _CHROME
    if "当前版" in s and _CURRENT_RE.search(s):
        return _CURRENT
    if s.startswith(_CHROME_PREFIXES):
        return _CHROME
    if "版" in s:
        if s[0] == "《" and _MARK_RE.match(s):
            return _MARK
        if _page_entry(s) is not None:
            return _PAGE_ENTRY
        if _is_jump_line(s):
            return _JUMP
    if ("：" in s or ":" in s) and "编" in s and _EDITOR_RE.match(s):
        return _EDITOR
    if " " in s and all(token in _CHROME_WORDS for token in s.split(" ")):
        return _CHROME
    return _TEXT


_NOT_IN_PAGE_NAME = frozenset("。，,；;！？!?")


def _page_entry(s: str) -> tuple[str, str] | None:
    """(label, name) of a page list line such as "第05版:理论特刊 ④", else None."""
    match = _PAGE_ENTRY_RE.fullmatch(s)
    if match is None:
        return None
    label = match.group(1) or match.group(2)
    name = (match.group(3) or match.group(4) or "").strip()
    # A page name is short and is not a sentence; this keeps body text such as
    # "第3版 刊登了……。" from being read as the start of the page list.
    if len(name) > 24 or not _NOT_IN_PAGE_NAME.isdisjoint(name):
        return None
    return label, name


def _is_jump_line(s: str) -> bool:
    """True for a line made only of jump marks (■下转第4版  ■上接第2版, （下转第三版）)."""
    if not _JUMP_TOKEN_RE.search(s):
        return False
    return _JUMP_REST_RE.fullmatch(_JUMP_TOKEN_RE.sub("", s)) is not None


def _date_line(s: str) -> re.Match[str] | None:
    """The date match of a header date line ("内蒙古日报 2024年08月02日 星期五"), else None.

    A line shaped like a date line counts as one even when the date is impossible
    (2024-13-45): it is still header matter, never the title.
    """
    if len(s) > 40:
        return None
    match = _DATE_RE.search(s)
    if match is None:
        return None
    rest = s[: match.start()] + " " + s[match.end() :]
    if not all(_DATE_TOKEN_RE.fullmatch(token) for token in rest.split()):
        return None
    return match


def _date_of(match: re.Match[str] | None) -> datetime.date | None:
    if match is None:
        return None
    if match.group(1):
        return _make_date(match.group(1), match.group(2), match.group(3))
    return _make_date(match.group(4), match.group(6), match.group(7))


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _editor_name(s: str) -> str:
    """The name in an editor credit: "张三" from "本版责编：张三 美编：李四"."""
    match = _EDITOR_RE.match(s)
    if match is None:
        return ""
    rest = s[match.end() :]
    cut = _EDITOR_END_RE.search(rest)
    return (rest[: cut.start()] if cut else rest).strip()


def _is_subtitle(s: str) -> bool:
    return s.startswith(_SUBTITLE_STARTS) and len(s.lstrip(_DASHES)) > 0


def _byline(s: str) -> str:
    """The byline text of a credit line ("□本报记者 王五" -> "本报记者 王五"), else ''."""
    if len(s) > _SHORT or s[-1] in _SENTENCE_END or not _BYLINE_RE.match(s):
        return ""
    text = s.lstrip(_BYLINE_MARKS)
    return text if len(text) > 2 else ""


# Essays and commentary sign with a boxed name only ("□方知远"); that form is a
# byline only in the byline's place, right after the title block.
_NAME_PART = r"[^\s。，,：:；;！？!?]{2,8}"
_MARKED_NAME_RE = re.compile(rf"[□■◆◇●○]\s*({_NAME_PART}(?:\s+{_NAME_PART}){{0,3}})")


def _marked_name(s: str) -> str:
    match = _MARKED_NAME_RE.fullmatch(s)
    return match.group(1) if match else ""


_SENTENCE_END = frozenset("。！？!?")
# A subhead never ends like a sentence, a quotation, a parenthesis or a lead-in.
_NOT_SUBHEAD_END = frozenset("。！？”…!?\".．)）」』’'：:；;，,、")
SUBHEAD_MAX = 20  # "about 20 characters or fewer" in the format description


def _block_kind(text: str) -> str:
    if len(text) <= SUBHEAD_MAX and text[-1] not in _NOT_SUBHEAD_END and not _byline(text):
        return "subhead"
    return "paragraph"


_KEY_TABLE = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "〝": '"', "〞": '"', "‘": "'", "’": "'", "—": "-", "―": "-"}
)


def match_key(text: str) -> str:
    """Form of a headline used to compare the title with the headline list.

    The article and the headline list of one page are not always typeset alike:
    one may have full-width "：" and the other ":", curly or straight quotes,
    spaces or none. NFKC folding plus quote folding plus dropping whitespace makes
    both sides compare equal.
    """
    return "".join(unicodedata.normalize("NFKC", text).translate(_KEY_TABLE).split())


# --------------------------------------------------------------------------------------
# Shared assembly


class _Pages:
    """The page list with label lookup, used to turn printed labels into numbers."""

    __slots__ = ("by_key", "refs")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        refs = []
        by_key: dict[str, int] = {}
        for number, (label, name) in enumerate(entries, 1):
            refs.append(PageRef(number, label, name, section_of(name)))
            by_key.setdefault(label_key(label), number)
        self.refs = tuple(refs)
        self.by_key = by_key

    def number(self, label: str) -> int | None:
        """Order in the edition of a printed label, or the label's own value."""
        found = self.by_key.get(label_key(label))
        if found is not None:
            return found
        value = _label_value(label)
        return value or None


def _jumps(s: str) -> list[tuple[bool, str]]:
    """(is_out, label) for every jump mark on a line, in reading order."""
    return [
        (direction in ("下转", "转至", "转"), label)
        for direction, label in _JUMP_TOKEN_RE.findall(s)
    ]


def _build_blocks(
    lines: Iterable[tuple[str, int]], page: int, pages: _Pages
) -> tuple[list[Block], str]:
    """Body lines -> blocks, following jump marks from page to page.

    The article is on the current page until a 下转第N版 mark; everything after it is
    printed on page N. An 上接 mark only repeats where the text comes from, so it does
    not move the page again: a line with both marks switches page exactly once.
    """
    blocks: list[Block] = []
    editor = ""
    for s, kind in lines:
        if kind in (_TEXT, _PAGE_ENTRY):
            after = None
            if "版" in s and ("转" in s or "接" in s or "续" in s):
                lead = _LEADING_JUMP_RE.match(s)
                if lead:
                    s = s[lead.end() :]
                trail = _TRAILING_JUMP_RE.search(s)
                if trail:
                    for is_out, label in _jumps(trail.group()):
                        if is_out:
                            after = pages.number(label) or after
                    s = s[: trail.start()]
            if s:
                blocks.append(Block(_block_kind(s), s, page))
            if after:
                page = after
        elif kind == _JUMP:
            for is_out, label in _jumps(s):
                if is_out:
                    page = pages.number(label) or page
        elif kind == _EDITOR:
            editor = editor or _editor_name(s)
    return blocks, editor


def _split_headlines(lines: Iterable[str]) -> tuple[list[str], str]:
    """Headline list -> (headlines, editor): editor credits are not articles."""
    headlines: list[str] = []
    editor = ""
    for s in lines:
        if not s:
            continue
        if ("：" in s or ":" in s) and "编" in s and _EDITOR_RE.match(s):
            editor = editor or _editor_name(s)
        else:
            headlines.append(s)
    return headlines, editor


def _norm(line: str) -> str:
    """Collapse every kind of whitespace (U+00A0, U+3000, tabs) to one ASCII space."""
    return " ".join(line.split())


# --------------------------------------------------------------------------------------
# Text pages


def _parse_lines(
    raw_lines: Sequence[str],
    *,
    title_hint: str = "",
    extra_pages: Sequence[tuple[str, str]] = (),
    extra_headlines: Sequence[str] = (),
    regions: tuple[Region, ...] = (),
    fallback_label: str = "",
) -> ParsedPage:
    """Read the blocks of a text page top to bottom (see the format description).

    ``fallback_label`` is the page label an HTML page gives outside its visible
    text (its <title>), used only when the text prints none.
    """
    norm = [" ".join(raw.split()) for raw in raw_lines]
    kinds = [_classify(s) for s in norm]
    count = len(norm)

    label = ""
    date = None
    mark_date = None
    for s, kind in zip(norm, kinds, strict=True):
        if kind == _CURRENT:
            match = _CURRENT_RE.search(s)
            if match and not label:
                label = match.group(1)
        elif kind == _MARK:
            match = _MARK_RE.match(s)
            if match:
                label = label or match.group(4)
                mark_date = mark_date or _make_date(*match.group(1, 2, 3))

    # Header: chrome, date lines and (in odd layouts) page list entries above the text.
    header_entries: list[tuple[str, str]] = []
    first = 0
    while first < count:
        kind = kinds[first]
        if kind in (_BLANK, _CHROME, _CURRENT, _MARK):
            first += 1
            continue
        if kind == _PAGE_ENTRY:
            entry = _page_entry(norm[first])
            if entry:
                header_entries.append(entry)
            first += 1
            continue
        if kind == _TEXT:
            found = _date_line(norm[first])
            if found is not None:
                date = date or _date_of(found)
                first += 1
                continue
        break

    # Footer: from the first navigation line after the article's first line on, the
    # rest of the file is page list and headline list.
    nav = first + 1
    while nav < count:
        kind = kinds[nav]
        if kind == _PAGE_ENTRY or (kind == _CHROME and norm[nav].startswith(_NAV_WORDS)):
            break
        nav += 1
    entries: list[tuple[str, str]] = []
    nav_lines: list[str] = []
    for index in range(nav, count):
        kind = kinds[index]
        if kind == _PAGE_ENTRY:
            entry = _page_entry(norm[index])
            if entry:
                entries.append(entry)
        elif kind in (_TEXT, _EDITOR, _JUMP):
            nav_lines.append(norm[index])
    headlines, editor = _split_headlines(nav_lines)
    entries = list(extra_pages) or entries or header_entries
    if extra_headlines:
        headlines, list_editor = _split_headlines(extra_headlines)
        editor = list_editor or editor
    pages = _Pages(entries)

    label = label or fallback_label
    if not label:
        raise PageParseError("no page number found")
    page_number = pages.number(label)
    if not page_number:
        raise PageParseError("no page number found")

    # Title block: the headline list (or the HTML title mark) names the title.
    region = [i for i in range(first, min(nav, count)) if kinds[i] == _TEXT]
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
                and above[-1] not in _SENTENCE_END
                and _date_line(above) is None
                and not _is_subtitle(above)
            ):
                kicker_at = candidates[place - 1]
        if date is None:
            stop = kicker_at if kicker_at is not None else title_at
            date = next(
                (d for i in candidates if i < stop if (d := _date_of(_date_line(norm[i])))), None
            )
    else:
        title_at, kicker_at = _guess_title(norm, raw_lines, candidates)
    title = norm[title_at]

    subtitle = byline = ""
    body_from = title_at + 1
    for _ in range(2):
        while body_from < nav and kinds[body_from] in (_BLANK, _CHROME, _CURRENT, _MARK):
            body_from += 1
        if body_from >= nav or kinds[body_from] != _TEXT:
            break
        s = norm[body_from]
        if not subtitle and not byline and _is_subtitle(s):
            subtitle = s.lstrip(_DASHES)
        elif not byline and (credit := _byline(s) or _marked_name(s)):
            byline = credit
        else:
            break
        body_from += 1

    blocks, body_editor = _build_blocks(
        zip(norm[body_from:nav], kinds[body_from:nav], strict=True), page_number, pages
    )
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
        editor=editor or body_editor,
        date=date or mark_date,
        regions=regions,
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
            and norm[i][-1] not in _SENTENCE_END
            and not _is_subtitle(norm[i])
            and not _byline(norm[i])
            and not _marked_name(norm[i])
            for i in (first, second)
        ):
            return second, first
    return candidates[0], None


# --------------------------------------------------------------------------------------
# HTML pages

_HTML_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml")
_HTML_RE = re.compile(r"<html[\s>/]|<!doctype\s+html", re.IGNORECASE)
_TAG_RE = re.compile(r"<[A-Za-z!/?]")
# 《临江日报》-第02版：经济 in <title>: Founder article pages name their page there.
_TITLE_PAGE_RE = re.compile(rf"第\s*({_LABEL}|{_CN_LABEL})\s*版")
_DROP_TAGS = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
        "input",
    )
)
_BLOCK_TAGS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "center",
        "map",
        "area",
        "founder-title",
        "founder-content",
        "founder-pretitle",
        "founder-subtitle",
        "founder-author",
    )
)
_HTML_WS_RE = re.compile(r"[ \t\n\r\f]+")
# A source line break between two Chinese characters is no space at all (CSS Text
# segment-break rules): "春天一到，\n沙地里" reads "春天一到，沙地里".
_WIDE_BREAK_RE = re.compile(r"(?<=[\u2e80-\uffff])[ \t\r\f]*\n[ \t\n\r\f]*(?=[\u2e80-\uffff])")
_BLOCK_END = object()
_BAD_SCHEME_RE = re.compile(r"\s*[a-z][a-z0-9+.\-]*\s*:", re.IGNORECASE)
_COORDS_RE = re.compile(r"[\d\s,.\-]*")
_SHAPES = frozenset(("rect", "rectangle", "circle", "circ", "poly", "polygon", "default"))


def _looks_like_html(text: str, name: str) -> bool:
    if name.lower().endswith(_HTML_SUFFIXES):
        # A page copied as text and saved under the page's own name (content_1.htm)
        # has no markup; read as HTML its line breaks would all be lost.
        return _TAG_RE.search(text) is not None
    if text.lstrip()[:1] == "<":
        return True
    return "<" in text and _HTML_RE.search(text) is not None


def _text_lines(node: Tag) -> list[str]:
    """Visible text of an element as lines, as a browser would break them.

    Iterative rather than recursive so that absurdly nested markup cannot exhaust
    the stack. Only plain text nodes are kept: comments, CDATA, scripts, styles and
    attributes never reach the output, which keeps hostile pages harmless.
    """
    out: list[str] = []
    stack: list[object] = list(reversed(node.contents))
    while stack:
        item = stack.pop()
        if item is _BLOCK_END:
            out.append("\n")
        elif isinstance(item, Tag):
            name = item.name
            if name in _DROP_TAGS:
                continue
            if name == "br":
                out.append("\n")
                continue
            if name in _BLOCK_TAGS:
                out.append("\n")
                stack.append(_BLOCK_END)
            stack.extend(reversed(item.contents))
        elif isinstance(item, NavigableString) and not isinstance(item, PreformattedString):
            out.append(_HTML_WS_RE.sub(" ", _WIDE_BREAK_RE.sub("", item)))
    # Markup indentation is ASCII whitespace; the article's own indent is U+3000 or
    # &nbsp;, which survives this strip and still marks a paragraph.
    return [line.strip(" ") for line in "".join(out).split("\n")]


def _element_text(node: Tag | None) -> str:
    """One-line text of an element; a <br> inside Chinese text joins without a space."""
    if node is None:
        return ""
    text = ""
    for line in _norm_lines(_text_lines(node)):
        if text and not (text[-1] >= "\u2e80" and line[0] >= "\u2e80"):
            text += " "
        text += line
    return text


class _Marks:
    """Tags of a parsed HTML page indexed by id and by name in one walk of the tree.

    bs4's ``find`` walks the whole tree on every call; a page is asked for a dozen
    marks, so one walk up front keeps HTML parsing dominated by the HTML parser.
    """

    __slots__ = ("by_id", "by_name")

    def __init__(self, root: Tag) -> None:
        self.by_id: dict[str, Tag] = {}
        self.by_name: dict[str, list[Tag]] = {}
        for node in root.descendants:
            if isinstance(node, Tag):
                self.by_name.setdefault(node.name, []).append(node)
                ident = node.get("id")
                if isinstance(ident, str):
                    self.by_id.setdefault(ident, node)

    def first(self, *keys: str) -> Tag | None:
        """First tag with visible text among ``#id`` / tag-name keys, in key order."""
        for key in keys:
            if key.startswith("#"):
                found = [self.by_id[key[1:]]] if key[1:] in self.by_id else []
            else:
                found = self.by_name.get(key, [])
            for tag in found:
                if _element_text(tag):
                    return tag
        return None

    def all(self, name: str) -> list[Tag]:
        return self.by_name.get(name, [])


def _descendant_tags(node: Tag, name: str) -> list[Tag]:
    return [d for d in node.descendants if isinstance(d, Tag) and d.name == name]


def _regions(marks: _Marks) -> tuple[Region, ...]:
    """Image-map areas, keeping only harmless hrefs (no javascript:/data: URLs)."""
    regions = []
    for area in marks.all("area"):
        shape = _norm(str(area.get("shape") or "rect")).lower()
        coords = _norm(str(area.get("coords") or ""))
        href = "".join(str(area.get("href") or "").split())
        if shape not in _SHAPES or not _COORDS_RE.fullmatch(coords) or not href:
            continue
        if _BAD_SCHEME_RE.match(href) and not href.lower().startswith(("http:", "https:")):
            continue
        if _CONTROL_RE.search(href) or any(char in href for char in "<>\"'`"):
            continue
        regions.append(Region(shape, coords, href))
    return tuple(regions)


def _html_page_list(marks: _Marks) -> list[tuple[str, str]]:
    container = marks.by_id.get("pageList")
    items: list[str] = []
    if container is not None:
        anchors = _descendant_tags(container, "a")
        if anchors:
            items = [_element_text(a) for a in anchors]
        else:
            items = _norm_lines(_text_lines(container))
    if not items:
        items = [_element_text(a) for a in marks.all("a") if a.get("id") == "pageLink"]
    return [entry for entry in map(_page_entry, items) if entry is not None]


def _html_headlines(marks: _Marks) -> list[str]:
    container = marks.by_id.get("titleList") or next(
        (ul for ul in marks.all("ul") if "news-list" in (ul.get("class") or ())), None
    )
    if container is None:
        return []
    items = _descendant_tags(container, "li") or _descendant_tags(container, "a")
    if items:
        return [text for text in map(_element_text, items) if text]
    return _norm_lines(_text_lines(container))


def _norm_lines(lines: Iterable[str]) -> list[str]:
    return [s for s in map(_norm, lines) if s]


def _parse_html(text: str) -> ParsedPage:
    """Read an e-paper HTML page: Founder marks when present, else its visible text."""
    try:
        soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # bs4 and html.parser raise assorted errors on junk
        raise PageParseError(f"malformed HTML ({type(exc).__name__})") from None

    marks = _Marks(soup)
    head_title = _TITLE_PAGE_RE.search(_element_text(marks.first("title")))
    title_label = head_title.group(1) if head_title else ""
    regions = _regions(marks)
    page_entries = _html_page_list(marks)
    headlines = _html_headlines(marks)
    lines = _text_lines(soup.body or soup)

    title_el = marks.first("#Title", "founder-title", "h1")
    body_el = marks.by_id.get("ozoom") or next(iter(marks.all("founder-content")), None)
    if title_el is None or body_el is None:
        return _parse_lines(
            lines,
            title_hint=_element_text(title_el),
            extra_pages=page_entries,
            extra_headlines=headlines,
            regions=regions,
            fallback_label=title_label,
        )
    return _parse_marked(
        marks,
        title_el,
        body_el,
        _norm_lines(lines),
        page_entries,
        headlines,
        regions,
        fallback_label=title_label,
    )


def _parse_marked(
    marks: _Marks,
    title_el: Tag,
    body_el: Tag,
    lines: list[str],
    page_entries: list[tuple[str, str]],
    headlines: list[str],
    regions: tuple[Region, ...],
    *,
    fallback_label: str = "",
) -> ParsedPage:
    """Founder marks: the parts are where the page says they are.

    The page's visible text is still read for what Founder pages print rather than
    mark: the current page (当前版 or the 《报名》（date 第 N 版） line, else the
    ``fallback_label`` of the page's <title>) and a date line above the title.
    """
    kinds = [_classify(s) for s in lines]
    label = ""
    date = mark_date = None
    title = _element_text(title_el)
    title_key = match_key(title)
    before_title = True
    for s, kind in zip(lines, kinds, strict=True):
        if before_title and match_key(s) == title_key:
            before_title = False
        if kind == _CURRENT:
            match = _CURRENT_RE.search(s)
            label = label or (match.group(1) if match else "")
        elif kind == _MARK:
            match = _MARK_RE.match(s)
            if match:
                label = label or match.group(4)
                mark_date = mark_date or _make_date(*match.group(1, 2, 3))
        elif before_title and kind == _TEXT and date is None:
            date = _date_of(_date_line(s))
    if not page_entries:
        page_entries = [
            entry
            for s, kind in zip(lines, kinds, strict=True)
            if kind == _PAGE_ENTRY and (entry := _page_entry(s)) is not None
        ]
    pages = _Pages(page_entries)
    label = label or fallback_label
    page_number = pages.number(label) if label else None
    if not page_number:
        raise PageParseError("no page number found")

    kicker_el = marks.first("#PreTitle", "founder-pretitle") or title_el.find_previous_sibling("h3")
    subtitle_el = marks.first("#SubTitle", "founder-subtitle") or title_el.find_next_sibling("h2")
    paragraphs = [p for p in _descendant_tags(body_el, "p") if not _descendant_tags(p, "p")]
    body_lines: list[str] = []
    for node in paragraphs or [body_el]:
        body_lines.extend(_norm_lines(_text_lines(node)))
    byline = _element_text(marks.first("founder-author"))
    if body_lines and not byline and _byline(body_lines[0]):
        byline = _byline(body_lines.pop(0))
    blocks, body_editor = _build_blocks(((s, _classify(s)) for s in body_lines), page_number, pages)
    headlines, list_editor = _split_headlines(headlines)
    return ParsedPage(
        page_number=page_number,
        page_label=label,
        title=title,
        kicker=_element_text(kicker_el),
        subtitle=_element_text(subtitle_el).lstrip(_DASHES),
        byline=byline,
        blocks=tuple(blocks),
        pages=pages.refs,
        headlines=tuple(headlines),
        editor=list_editor or body_editor,
        date=date or mark_date,
        regions=regions,
    )


# --------------------------------------------------------------------------------------
# Entry points


def parse_page(data: bytes, name: str = "") -> ParsedPage:
    """Parse one raw page file (text or HTML). Raises :class:`PageParseError`.

    HTML is recognised by the file name (.htm/.html) or by the content (starts with
    '<' or contains an <html> tag), because saved pages are not always named well.
    Only the first byte-level decision is made here; both readers share the rules
    for chrome, page list, headlines, jumps and subheads.
    """
    if not data or not data.strip():
        raise PageParseError("empty file")
    text = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise PageParseError("empty file")
    if _CONTROL_RE.search(text):
        controls = len(_CONTROL_RE.findall(text))
        if controls > max(8, len(text) // 100):
            raise PageParseError("binary file (control characters)")
        text = _CONTROL_RE.sub("", text)
    if _looks_like_html(text, name):
        return _parse_html(text)
    return _parse_lines(text.splitlines())


_PATH_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})[-/](\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)


def date_from_path(path: str) -> datetime.date | None:
    """The edition date written in a file's path, if any.

    E-paper sites file pages by date (html/2024-08/02/content_123.htm, 20240802/...),
    so a saved page's path usually says which edition it belongs to. The deepest
    valid match wins because the innermost folder is the most specific; strings that
    are not real dates (2024-13-45, article ids) are skipped.
    """
    found = None
    for match in _PATH_DATE_RE.finditer(path.replace("\\", "/")):
        groups = match.groups()
        parts = groups[:3] if groups[0] else groups[3:]
        value = _make_date(*parts)
        if value is not None:
            found = value
    return found
