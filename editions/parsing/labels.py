"""Page labels and numerals: "04", "4" and "四" are the same page.

Jump lines print "第4版" where the page list prints "第04版", and some papers write
page numbers in Chinese; every comparison of labels goes through :func:`label_key`.
"""

from __future__ import annotations

import re

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
CN_NUM = "〇零一二两三四五六七八九十百"
LABEL = r"[A-Za-z]?\d{1,3}[A-Za-z]?"
CN_LABEL = rf"[{CN_NUM}]{{1,4}}"


def cn_to_int(text: str) -> int:
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


def label_value(label: str) -> int | None:
    """The integer a page label stands for ("04" -> 4, "A03" -> 3, "十二" -> 12)."""
    match = _LABEL_PARTS_RE.search(label)
    if match:
        return int(match.group(2))
    if label and all(char in CN_NUM for char in label):
        return cn_to_int(label)
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
    value = label_value(label)
    return str(value) if value is not None else label.upper()


_SEP = r"\s·・•\-—_.、"
_SECTION_SUFFIX_RE = re.compile(
    rf"[{_SEP}]*(?:"
    # circled, parenthesised, full-stop and dingbat numbers: ① ⑴ ⒈ ❶ ➀ ㉑ ⓫
    r"[\u2460-\u24b5\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"
    r"|[\u2160-\u2188]+"  # Ⅰ Ⅱ ... ⅻ
    rf"|(?<=[{_SEP}])[IVXLivxl]+"  # ASCII roman numerals, only after a separator
    r"|\d+"
    rf"|[（(]\s*(?:\d+|[{CN_NUM}]+|[IVXivx]+)\s*[）)]"
    rf"|之[{CN_NUM}]+"
    rf"|第\s*(?:\d+|[{CN_NUM}]+)\s*(?:期|版|部分|篇|辑)?"
    rf"|(?<=[{_SEP}])[{CN_NUM}]+"  # a bare Chinese numeral only after a separator
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


def unspace_name(name: str) -> str:
    """ "综 合" -> "综合": page names letter-spaced for print width lose the spaces.

    Only a name made of single characters separated by spaces is joined; "理论特刊 ④"
    and "文化 周刊" (two words) keep theirs.
    """
    parts = name.split(" ")
    if len(parts) > 1 and all(len(part) == 1 and "\u4e00" <= part <= "\u9fff" for part in parts):
        return "".join(parts)
    return name
