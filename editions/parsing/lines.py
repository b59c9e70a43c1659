"""The line classifier: what one normalised line of a page is.

Text views, crawler dumps and the visible text of HTML pages are all read line by
line with these rules (chrome, current page, page list entry, jump, editor credit,
byline, subtitle, subhead), so a rule fixed here is fixed for every form.
"""

from __future__ import annotations

import datetime
import re

from .labels import CN_LABEL, LABEL
from .text import make_date

CURRENT_RE = re.compile(rf"当前版\s*[:：]?\s*第?\s*({LABEL}|{CN_LABEL})\s*版")
_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|(?<!\d)(\d{4})([-/.])(\d{1,2})\5(\d{1,2})(?!\d)"
)
# What may stand next to the date on a date line: the paper's name, weekday, lunar
# date, page. Anything else (e.g. "起施行新规") makes it a headline, not a date line.
_PAPER_TOKEN = r"《?[^\s《》\d]{1,15}[报刊]》?"
_PAPER_TOKEN_RE = re.compile(_PAPER_TOKEN)
_DATE_TOKEN_RE = re.compile(
    _PAPER_TOKEN + r"|[（(]?(?:星期|礼拜|周)[一二三四五六日天][）)]?"
    r"|农历\S{0,12}"
    r"|第\s*\S{1,4}\s*版|第|版|\d{1,3}"
    r"|[|｜/／·,，\-—]"
)
# 《人民日报》（2024年01月07日 第 01 版）: the mark Founder pages print under the text.
MARK_RE = re.compile(
    r"《([^》]{1,30})》\s*[（(]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*"
    rf"第\s*({LABEL}|{CN_LABEL})\s*版\s*[）)]"
)
_PAGE_ENTRY_RE = re.compile(
    rf"(?:第\s*({LABEL}|{CN_LABEL})|({LABEL}))\s*版(?:\s*[:：]\s*(.*)|\s+(.+))?"
)
JUMP_TOKEN_RE = re.compile(rf"(下转|上接|转至|转|接|续)\s*第?\s*({LABEL}|{CN_LABEL})\s*版")
_JUMP_REST_RE = re.compile(r"[\s■□◆◇●○▲△▼▽★☆※►▶→（）()【】\[\]〔〕,，;；、.。:：]*")
_JUMP_BOX = r"[（(【\[〔]\s*[■□◆●]?\s*"
_JUMP_BOX_END = r"\s*[）)】\]〕]"
_INLINE = rf"(?:下转|转至|转|上接|接|续)\s*第?\s*(?:{LABEL}|{CN_LABEL})\s*版"
TRAILING_JUMP_RE = re.compile(rf"\s*(?:{_JUMP_BOX}{_INLINE}{_JUMP_BOX_END}|[■□◆●]\s*{_INLINE})$")
LEADING_JUMP_RE = re.compile(rf"^(?:{_JUMP_BOX}{_INLINE}{_JUMP_BOX_END}|[■□◆●]\s*{_INLINE})\s*")
EDITOR_RE = re.compile(r"[（(【\[]?\s*(?:本版)?(?:责任编辑|责编|编辑)\s*[:：]\s*")
_EDITOR_END_RE = re.compile(r"\s+[^\s:：]{1,6}[:：]|[）)】\]]")
# Credits of the page's staff, several to a line: "一版责编：张三 二版责编：李四",
# "责任编辑 王五", "本版编辑：王五 美编：赵六".
_ROLE = r"责任编辑|责编|美术编辑|图片编辑|编辑|美编|校对|版式设计|版式|制图|组版|排版"
_CREDIT_PAGE = rf"本版|第?\s*(?:{LABEL}|{CN_LABEL})\s*版"
_CNAME = r"[^\s:：；;，,。（）()【】\[\]、|｜]{1,10}"
_CREDIT_RE = re.compile(
    rf"(?:({_CREDIT_PAGE})\s*)?({_ROLE})\s*([:：]|\s)\s*"
    rf"({_CNAME}(?:[、\s]+(?!(?:{_CREDIT_PAGE})?\s*(?:{_ROLE}))(?!{_CNAME}\s*[:：]){_CNAME})*)"
)
_CREDIT_GAP_RE = re.compile(r"[\s,，;；|｜（）()【】\[\]]*")
_EDITOR_ROLES = frozenset(("责任编辑", "责编", "编辑"))
_BYLINE_RE = re.compile(
    r"[□■◆◇●○▲△★☆]?\s*(?:"
    r"(?:本报|新华社|人民日报|中新社|[\u4e00-\u9fff]{2,8}?(?:日报|晚报|时报|报社?|电视台|台))?"
    r"(?:全媒体?|融媒体?)?(?:特约|见习|首席)?(?:记者|通讯员|评论员|撰稿人?)"
    r"|[文图]\s*[/／|｜]\s*[文图]|摄影|作者|撰文|[文图摄](?=\s|[:：])"
    r")"
)
_BYLINE_MARKS = "□■◆◇●○▲△★☆ "
_SUBTITLE_STARTS = ("—", "--", "－－", "―", "─")
DASHES = "—–―─－-~～ "

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
NAV_WORDS = ("上一篇", "下一篇", "标题导航", "版面导航")

# Line kinds.
BLANK, CHROME, CURRENT, MARK, PAGE_ENTRY, JUMP, EDITOR, TEXT = range(8)

SHORT = 60  # longer lines are body text: skip the cheaper-than-regex checks entirely


def classify(s: str) -> int:
    """Kind of one normalised line; cheap tests first because most lines are body text."""
    if not s:
        return BLANK
    if len(s) > SHORT:
        return TEXT
    if s in _CHROME_WORDS:
        return CHROME
    if "当前版" in s and CURRENT_RE.search(s):
        return CURRENT
    if s.startswith(_CHROME_PREFIXES):
        return CHROME
    if "版" in s:
        if s[0] == "《" and MARK_RE.match(s):
            return MARK
        if page_entry(s) is not None:
            return PAGE_ENTRY
        if is_jump_line(s):
            return JUMP
    if "编" in s and is_credit_line(s):
        return EDITOR
    if " " in s and all(token in _CHROME_WORDS for token in s.split(" ")):
        return CHROME
    return TEXT


_NOT_IN_PAGE_NAME = frozenset("。，,；;！？!?")


def page_entry(s: str) -> tuple[str, str] | None:
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


def is_jump_line(s: str) -> bool:
    """True for a line made only of jump marks (■下转第4版  ■上接第2版, （下转第三版）)."""
    if not JUMP_TOKEN_RE.search(s):
        return False
    return _JUMP_REST_RE.fullmatch(JUMP_TOKEN_RE.sub("", s)) is not None


def date_line(s: str) -> re.Match[str] | None:
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


def date_of(match: re.Match[str] | None) -> datetime.date | None:
    """The date of a :func:`date_line` match (None for an impossible one)."""
    if match is None:
        return None
    if match.group(1):
        return make_date(match.group(1), match.group(2), match.group(3))
    return make_date(match.group(4), match.group(6), match.group(7))


def first_date(s: str) -> datetime.date | None:
    """The first real date written anywhere in ``s`` (a page's date box, #author)."""
    for match in _DATE_RE.finditer(s):
        found = date_of(match)
        if found is not None:
            return found
    return None


def paper_of_date_line(s: str) -> str:
    """ "内蒙古日报" from "内蒙古日报 2024年08月02日 星期五" ('' when no paper is named)."""
    for token in s.split():
        if _PAPER_TOKEN_RE.fullmatch(token) and not token.startswith("第"):
            return token.strip("《》")
    return ""


def editor_name(s: str) -> str:
    """The name in an editor credit: "张三" from "本版责编：张三 美编：李四"."""
    match = EDITOR_RE.match(s)
    if match is None:
        return ""
    rest = s[match.end() :]
    cut = _EDITOR_END_RE.search(rest)
    return (rest[: cut.start()] if cut else rest).strip()


def _credits(s: str) -> list[re.Match[str]] | None:
    """The staff credits making up the whole line ``s``, or None if it is not one."""
    if len(s) > 2 * SHORT:
        return None
    found: list[re.Match[str]] = []
    end = 0
    for match in _CREDIT_RE.finditer(s):
        if not _CREDIT_GAP_RE.fullmatch(s, end, match.start()):
            return None
        # "编辑 手记" is a headline: without a colon, only 责任编辑/责编 or a page's
        # credit ("本版编辑 王五") is a credit.
        if match.group(3).isspace() and match.group(2) == "编辑" and not match.group(1):
            return None
        found.append(match)
        end = match.end()
    if not found or not _CREDIT_GAP_RE.fullmatch(s, end):
        return None
    return found


def is_credit_line(s: str) -> bool:
    """True for an editor credit line: it names an editor and is nothing else."""
    if ("：" in s or ":" in s) and EDITOR_RE.match(s):
        return True
    found = _credits(s)
    return found is not None and any(m.group(2) in _EDITOR_ROLES for m in found)


def credit_pairs(s: str) -> list[tuple[str, str]]:
    """(page label, editor) for each editor named on a credit line; '' for this page.

    "一版责编：张三 二版责编：李四" -> [("一", "张三"), ("二", "李四")]; "本版责编：王五"
    and "责任编辑 王五" -> [("", "王五")].
    """
    pairs = []
    for match in _credits(s) or ():
        if match.group(2) not in _EDITOR_ROLES:
            continue
        page = match.group(1) or ""
        label = "" if page in ("", "本版") else page.lstrip("第").rstrip("版").strip()
        pairs.append((label, " ".join(match.group(4).replace("、", " ").split())))
    return pairs


def is_subtitle(s: str) -> bool:
    return s.startswith(_SUBTITLE_STARTS) and len(s.lstrip(DASHES)) > 0


def byline(s: str) -> str:
    """The byline text of a credit line ("□本报记者 王五" -> "本报记者 王五"), else ''."""
    if len(s) > SHORT or s[-1] in SENTENCE_END or not _BYLINE_RE.match(s):
        return ""
    text = s.lstrip(_BYLINE_MARKS)
    return text if len(text) > 2 else ""


# Essays and commentary sign with a boxed name only ("□方知远"); that form is a
# byline only in the byline's place, right after the title block.
_NAME_PART = r"[^\s。，,：:；;！？!?]{2,8}"
_MARKED_NAME_RE = re.compile(rf"[□■◆◇●○]\s*({_NAME_PART}(?:\s+{_NAME_PART}){{0,3}})")


def marked_name(s: str) -> str:
    match = _MARKED_NAME_RE.fullmatch(s)
    return match.group(1) if match else ""


# 湖北日报讯 （记者张阳春、通讯员熊能）39天时间……: a dateline whose credit is the byline.
_DATELINE_RE = re.compile(
    r"([\u4e00-\u9fff]{1,10}讯)\s*[（(]\s*((?:特约|见习|首席)?(?:记者|通讯员)[^（）()]{1,40}?)\s*[）)]\s*"
)


def dateline(s: str) -> tuple[str, str, str] | None:
    """(dateline, credit, rest) of a "本报讯（记者…）…" paragraph, else None."""
    match = _DATELINE_RE.match(s)
    if match is None:
        return None
    return match.group(1), match.group(2), s[match.end() :]


SENTENCE_END = frozenset("。！？!?")
# A subhead never ends like a sentence, a quotation, a parenthesis or a lead-in.
_NOT_SUBHEAD_END = frozenset("。！？”…!?\".．)）」』’'：:；;，,、")
SUBHEAD_MAX = 20  # "about 20 characters or fewer" in the format description


def block_kind(text: str) -> str:
    """ "subhead" for a short line without closing punctuation, else "paragraph".

    A signature ("——王五") or a letter's date ("2019年10月15日") is short and
    unpunctuated too, but closes the text rather than heading a part of it.
    """
    if (
        len(text) <= SUBHEAD_MAX
        and text[-1] not in _NOT_SUBHEAD_END
        and not text.startswith(_SUBTITLE_STARTS)
        and not byline(text)
        and not (_DATE_RE.fullmatch(text) and date_line(text))
    ):
        return "subhead"
    return "paragraph"


def paper_of_mark(s: str) -> str:
    """The paper a 《报名》（date 第 N 版） mark names, '' if ``s`` holds none."""
    match = MARK_RE.search(s)
    return match.group(1).strip() if match else ""
