"""Tests of the raw page parser: pure functions, no database, inputs built inline."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editions.parsing import (
    Block,
    PageParseError,
    PageRef,
    ParsedPage,
    Region,
    date_from_path,
    decode,
    label_key,
    parse_page,
    section_of,
)

SEED = Path(__file__).resolve().parents[2] / "shared/samples/seed-page-02.txt"
REAL = Path(__file__).resolve().parents[2] / "shared" / "samples" / "real"

# An invented page in the full-width style, every block present.
PAGE = """往期阅读
当前版：02版 上一版 下一版
上一篇 下一篇
放大 缩小 默认

沙地里长出新产业

——某旗治沙致富调查
本报记者 张三 李四
　　春天一到，沙地里的灌木冒出了新芽。

　　治沙先治穷

　　牧民老王说：“种下的每一棵树，都是存下的一笔钱。”

上一篇 下一篇
标题导航
第01版：要闻
第02版：经济
第03版：理论特刊 ③
第04版：文化
草原上的夜校开课了
沙地里长出新产业
本版责编：王五
"""


def page(text: str, **encode: str) -> ParsedPage:
    return parse_page(text.encode(**encode) if encode else text.encode())


def article(body: str, *, label: str = "02", tail: str = "") -> str:
    """A small text page around ``body`` (the lines after the title)."""
    return f"当前版：{label}版\n\n标题一行\n{body}\n{tail}"


def texts(parsed: ParsedPage) -> list[str]:
    return [block.text for block in parsed.blocks]


# --------------------------------------------------------------------------------------
# The seed file


@pytest.mark.skipif(not SEED.exists(), reason="shared seed sample not present")
def test_seed_page():
    parsed = parse_page(SEED.read_bytes(), SEED.name)

    assert parsed.page_number == 2
    assert parsed.page_label == "02"
    assert len(parsed.pages) == 12
    assert all(ref.name for ref in parsed.pages)
    assert parsed.pages[4] == PageRef(5, "05", "理论特刊 ④", "理论特刊")
    assert len(parsed.headlines) == 10
    assert parsed.headlines[-1] == parsed.title
    assert parsed.title == "助力推动政策从“纸上”落到“地上”"
    assert parsed.position == 10
    assert parsed.subtitle.startswith("自治区政协")
    assert not parsed.subtitle.startswith("—")
    assert parsed.kicker == ""
    assert parsed.byline == ""
    assert parsed.date is None
    paragraphs = [b for b in parsed.blocks if b.kind == "paragraph"]
    subheads = [b for b in parsed.blocks if b.kind == "subhead"]
    assert len(paragraphs) == 14
    assert len(subheads) == 3
    assert [b.page for b in paragraphs] == [2] * 7 + [4] * 7
    assert [b.page for b in subheads] == [2, 2, 4]
    assert subheads[0].text == "深调研,政协报告见真章"
    assert parsed.page_numbers == (2, 4)
    assert all("\xa0" not in b.text and b.text == b.text.strip() for b in parsed.blocks)


# --------------------------------------------------------------------------------------
# Encodings and line ends


def test_full_page_reads_every_block():
    parsed = page(PAGE)

    assert parsed.page_number == 2
    assert parsed.page_label == "02"
    assert parsed.title == "沙地里长出新产业"
    assert parsed.subtitle == "某旗治沙致富调查"
    assert parsed.byline == "本报记者 张三 李四"
    assert parsed.blocks == (
        Block("paragraph", "春天一到，沙地里的灌木冒出了新芽。", 2),
        Block("subhead", "治沙先治穷", 2),
        Block("paragraph", "牧民老王说：“种下的每一棵树，都是存下的一笔钱。”", 2),
    )
    assert parsed.headlines == ("草原上的夜校开课了", "沙地里长出新产业")
    assert parsed.editor == "王五"
    assert parsed.position == 2
    assert [ref.label for ref in parsed.pages] == ["01", "02", "03", "04"]
    assert parsed.page_ref == PageRef(2, "02", "经济", "经济")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PAGE.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + PAGE.encode("utf-8"), id="utf-8-bom"),
        pytest.param(PAGE.encode("gb18030"), id="gb18030"),
        pytest.param(PAGE.encode("gbk"), id="gbk"),
        pytest.param(PAGE.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(PAGE.replace("\n", "\r\n").encode("gb18030"), id="gb18030-crlf"),
        pytest.param(PAGE.encode("utf-16"), id="utf-16-bom"),
    ],
)
def test_encodings_and_line_ends_give_the_same_page(data):
    assert parse_page(data) == page(PAGE)


def test_decode_prefers_utf8_and_strips_the_bom():
    assert decode("标题".encode()) == "标题"
    assert decode(b"\xef\xbb\xbf" + "标题".encode()) == "标题"
    assert decode("标题".encode("gb18030")) == "标题"
    assert decode(b"\x84\x31\x95\x33" + "标题".encode("gb18030")) == "标题"


def test_decode_rejects_nul_bytes():
    with pytest.raises(PageParseError, match=r"binary file \(NUL bytes\)"):
        decode("标题".encode() + b"\x00\x01")


def test_trailing_spaces_and_no_break_spaces_are_normalised():
    text = PAGE.replace("沙地里长出新产业\n", "沙地里长出新产业 \xa0 \n", 1).replace(
        "　　治沙先治穷", "\xa0\xa0治沙\xa0先治穷 "
    )
    parsed = page(text)

    assert parsed.title == "沙地里长出新产业"
    assert parsed.blocks[1] == Block("subhead", "治沙 先治穷", 2)


# --------------------------------------------------------------------------------------
# Punctuation, title, kicker, subtitle, byline


def test_folded_punctuation_in_headline_list_still_names_the_title():
    text = PAGE.replace("沙地里长出新产业\n\n——", "沙地里：长出新产业\n\n——").replace(
        "\n沙地里长出新产业\n本版", "\n沙地里:长出新产业\n本版"
    )
    parsed = page(text)

    assert parsed.title == "沙地里：长出新产业"
    assert parsed.headlines[-1] == "沙地里:长出新产业"
    assert parsed.position == 2


def test_folded_and_full_width_page_lists_read_alike():
    folded = page(PAGE.replace("：", ":"))
    full = page(PAGE)

    assert folded.pages == full.pages
    assert folded.page_number == full.page_number == 2


def test_kicker_is_the_short_line_above_the_listed_title():
    parsed = page(PAGE.replace("\n沙地里长出新产业\n\n——", "\n绿色发展\n沙地里长出新产业\n\n——"))

    assert parsed.kicker == "绿色发展"
    assert parsed.title == "沙地里长出新产业"


def test_listed_title_needs_no_kicker_when_it_comes_first():
    parsed = page(PAGE)

    assert parsed.kicker == ""


def test_without_headline_list_two_header_lines_make_kicker_and_title():
    parsed = page("当前版：03版\n绿色发展\n沙地里长出新产业\n——某旗纪实\n　　正文第一段。\n")

    assert (parsed.kicker, parsed.title, parsed.subtitle) == (
        "绿色发展",
        "沙地里长出新产业",
        "某旗纪实",
    )


def test_without_headline_list_the_first_line_is_the_title():
    parsed = page("当前版：03版\n沙地里长出新产业\n　　正文第一段。\n　　正文第二段。\n")

    assert (parsed.kicker, parsed.title) == ("", "沙地里长出新产业")
    assert parsed.headlines == ()
    assert parsed.position is None


@pytest.mark.parametrize("dashes", ["——", "—", "--", "—— "])
def test_subtitle_forms_lose_their_dashes(dashes):
    parsed = page(article(f"{dashes}某旗治沙致富调查\n　　正文。"))

    assert parsed.subtitle == "某旗治沙致富调查"
    assert texts(parsed) == ["正文。"]


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("本报记者 张三 李四", "本报记者 张三 李四"),
        ("□本报记者 王五", "本报记者 王五"),
        ("记者 赵六 通讯员 钱七", "记者 赵六 通讯员 钱七"),
        ("文/图 孙八", "文/图 孙八"),
        ("　　本报记者　张三", "本报记者 张三"),
    ],
)
def test_byline_forms(line, byline):
    parsed = page(article(f"——副题\n{line}\n　　正文。"))

    assert parsed.byline == byline
    assert texts(parsed) == ["正文。"]


def test_byline_directly_after_the_title():
    parsed = page(article("本报记者 张三\n　　正文。"))

    assert parsed.byline == "本报记者 张三"
    assert parsed.subtitle == ""


def test_a_first_paragraph_mentioning_a_reporter_is_not_a_byline():
    parsed = page(article("　　记者日前从自治区发改委获悉，今年全区投资稳步增长。"))

    assert parsed.byline == ""
    assert texts(parsed) == ["记者日前从自治区发改委获悉，今年全区投资稳步增长。"]


# --------------------------------------------------------------------------------------
# Body: paragraphs and subheads


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("深调研,政协报告见真章", "subhead"),
        ("一、抓产业", "subhead"),
        ("好日子来了。", "paragraph"),
        ("他说：“好！”", "paragraph"),
        ("真的吗？", "paragraph"),
        ("未完待续……", "paragraph"),
        ("他说:", "paragraph"),
        ("这一行没有标点但是它已经远远超过了二十个字所以是段落", "paragraph"),
        ("本报记者 张三 摄", "paragraph"),
    ],
)
def test_subheads_are_short_lines_without_closing_punctuation(line, kind):
    parsed = page(article(f"　　第一段正文。\n\n　　{line}\n\n　　最后一段。"))

    assert parsed.blocks[1] == Block(kind, line, 2)


def test_paragraphs_need_no_blank_lines_between_them():
    parsed = page(article("　　第一段。\n　　第二段。\n　　第三段。"))

    assert texts(parsed) == ["第一段。", "第二段。", "第三段。"]


# --------------------------------------------------------------------------------------
# Jumps between pages


@pytest.mark.parametrize(
    ("out_line", "in_line", "continued_on"),
    [
        ("■下转第4版", "■上接第2版", 4),
        ("（下转第4版）", "（上接第2版）", 4),
        ("(下转第04版)", "(上接第02版)", 4),
        ("下转第三版", "上接第二版", 3),
        ("（下转第十二版）", "（上接第一版）", 12),
        ("■下转第4版  ■上接第2版", "", 4),
        ("（下转第4版）（上接第2版）", "", 4),
    ],
)
def test_jump_lines_move_the_rest_of_the_article(out_line, in_line, continued_on):
    parsed = page(article(f"　　前一段。\n\n　　{out_line}\n\n　　{in_line}\n\n　　后一段。"))

    assert parsed.blocks == (
        Block("paragraph", "前一段。", 2),
        Block("paragraph", "后一段。", continued_on),
    )
    assert parsed.page_numbers == (2, continued_on)


def test_an_article_can_jump_more_than_once():
    body = "　　甲。\n■下转第4版\n■上接第2版\n　　乙。\n■下转第6版\n■上接第4版\n　　丙。"
    parsed = page(article(body))

    assert [(b.text, b.page) for b in parsed.blocks] == [("甲。", 2), ("乙。", 4), ("丙。", 6)]
    assert parsed.page_numbers == (2, 4, 6)


def test_jump_marks_at_the_ends_of_paragraphs_are_removed():
    parsed = page(article("　　前一段。（下转第4版）\n　　（上接第2版）后一段。"))

    assert [(b.text, b.page) for b in parsed.blocks] == [("前一段。", 2), ("后一段。", 4)]


def test_jump_targets_are_labels_of_the_page_list():
    tail = "上一篇 下一篇\n第A01版：封面\n第A02版：要闻\n第B01版：理论\n第B02版：文化\n标题一行\n"
    parsed = page(
        article("　　前一段。\n■下转第B01版\n■上接第A02版\n　　后一段。", label="A02", tail=tail)
    )

    assert parsed.page_number == 2
    assert parsed.page_label == "A02"
    assert parsed.page_numbers == (2, 3)


def test_jump_target_with_leading_zero_matches_the_list_label():
    parsed = page(PAGE.replace("　　治沙先治穷", "■下转第4版\n■上接第2版\n　　治沙先治穷"))

    assert [b.page for b in parsed.blocks] == [2, 4, 4]


# --------------------------------------------------------------------------------------
# Page list, sections, current page


@pytest.mark.parametrize(
    ("line", "label", "name"),
    [
        ("第01版:一版要闻", "01", "一版要闻"),
        ("01版：要闻", "01", "要闻"),
        ("第01版 要闻", "01", "要闻"),
        ("第A01版：封面", "A01", "封面"),
        ("\xa0 \xa0第01版 : 要闻", "01", "要闻"),
        ("第01版", "01", ""),
    ],
)
def test_page_list_line_forms(line, label, name):
    tail = f"上一篇 下一篇\n{line}\n第99版：末版\n标题一行\n"
    parsed = page(article("　　正文。", label="99", tail=tail))

    assert parsed.pages[0] == PageRef(1, label, name, section_of(name))
    assert parsed.page_number == 2
    assert parsed.headlines == ("标题一行",)


def test_page_list_may_start_without_a_heading():
    tail = "第01版：要闻\n第02版：经济\n标题一行\n另一篇\n"
    parsed = page(article("　　正文。", tail=tail))

    assert len(parsed.pages) == 2
    assert parsed.headlines == ("标题一行", "另一篇")
    assert texts(parsed) == ["正文。"]


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("理论特刊 ④", "理论特刊"),
        ("理论特刊④", "理论特刊"),
        ("要闻 ⑳", "要闻"),
        ("专题Ⅱ", "专题"),
        ("专题 II", "专题"),
        ("周刊 3", "周刊"),
        ("文化之一", "文化"),
        ("特刊（二）", "特刊"),
        ("一版要闻", "一版要闻"),
        ("要闻", "要闻"),
        ("④", "④"),
        ("", ""),
    ],
)
def test_section_is_the_page_name_without_its_ordinal(name, section):
    assert section_of(name) == section


@pytest.mark.parametrize("line", ["当前版: 02版", "当前版：02版", "当前版 ： 第02版", "当前版:2版"])
def test_current_page_line_forms(line):
    parsed = page(f"{line} 上一版 下一版\n标题一行\n　　正文。\n")

    assert parsed.page_number == 2


def test_current_label_maps_to_its_order_in_the_page_list():
    tail = "第A01版：封面\n第A02版：要闻\n第A03版：经济\n第B01版：文化\n标题一行\n"
    parsed = page(article("　　正文。", label="B01", tail=tail))

    assert (parsed.page_number, parsed.page_label) == (4, "B01")


def test_without_page_list_the_label_is_the_number():
    parsed = page(article("　　正文。", label="A05"))

    assert (parsed.page_number, parsed.page_label, parsed.pages) == (5, "A05", ())


def test_label_key_ignores_leading_zeros_and_reads_chinese_numerals():
    assert label_key("04") == label_key("4") == label_key("四") == "4"
    assert label_key("a01") == "A1"
    assert label_key("十二") == "12"


# --------------------------------------------------------------------------------------
# Headline list and editor credits


@pytest.mark.parametrize(
    ("credit", "editor"),
    [
        ("本版责编：张三", "张三"),
        ("责任编辑：李四", "李四"),
        ("责任编辑:李四", "李四"),
        ("本版编辑：王五 美编：赵六", "王五"),
        ("责编 ： 孙八", "孙八"),
    ],
)
def test_editor_credits_leave_the_headline_list(credit, editor):
    parsed = page(PAGE.replace("本版责编：王五", credit))

    assert parsed.editor == editor
    assert parsed.headlines == ("草原上的夜校开课了", "沙地里长出新产业")


def test_editor_credit_first_in_the_headline_list():
    text = PAGE.replace("本版责编：王五\n", "").replace(
        "草原上的夜校", "责任编辑：李四\n草原上的夜校"
    )
    parsed = page(text)

    assert parsed.editor == "李四"
    assert parsed.position == 2


def test_headlines_without_a_page_list_start_after_the_footer():
    text = article("　　正文。", tail="上一篇 下一篇\n另一篇文章\n标题一行\n")
    parsed = page(text)

    assert parsed.pages == ()
    assert parsed.headlines == ("另一篇文章", "标题一行")
    assert parsed.position == 2
    assert texts(parsed) == ["正文。"]


# --------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "line",
    [
        "内蒙古日报 2024年08月02日 星期五",
        "2024-08-02",
        "2024年8月2日",
        "《内蒙古日报》 2024年08月02日 周五",
    ],
)
def test_date_line_before_the_title(line):
    parsed = page(f"当前版：02版\n{line}\n标题一行\n　　正文。\n")

    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.title == "标题一行"


def test_date_line_above_a_listed_title():
    parsed = page(PAGE.replace("\n沙地里长出新产业\n\n——", "\n2024-08-02\n沙地里长出新产业\n\n——"))

    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.kicker == ""


def test_dates_inside_headlines_and_body_are_not_date_lines():
    text = (
        "当前版：02版\n2024年8月1日起施行新规\n　　2024年08月02日，新规正式施行。\n"
        "上一篇 下一篇\n2024年内蒙古资本市场服务月活动启动\n2024年8月1日起施行新规\n"
    )
    parsed = page(text)

    assert parsed.date is None
    assert parsed.title == "2024年8月1日起施行新规"
    assert texts(parsed) == ["2024年08月02日，新规正式施行。"]


def test_invalid_date_line_is_no_date():
    parsed = page("当前版：02版\n2024-13-45\n标题一行\n　　正文。\n")

    assert parsed.date is None
    assert (parsed.kicker, parsed.title) == ("", "标题一行")


def test_founder_mark_in_a_text_file_gives_page_and_date():
    parsed = page("标题一行\n　　正文。\n《人民日报》（2024年01月07日 第 01 版）\n")

    assert (parsed.page_number, parsed.date) == (1, datetime.date(2024, 1, 7))
    assert texts(parsed) == ["正文。"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("html/2024-08/02/content_123.htm", datetime.date(2024, 8, 2)),
        ("/data/2024-08-02/page.txt", datetime.date(2024, 8, 2)),
        ("/data/20240802/page.txt", datetime.date(2024, 8, 2)),
        ("nmgrb_20240802_02.txt", datetime.date(2024, 8, 2)),
        ("2023-01-01/html/2024-08/02/content_1.htm", datetime.date(2024, 8, 2)),
        ("2024-08-02/2024-13-45/page.txt", datetime.date(2024, 8, 2)),
        ("C:\\epaper\\2024-08\\02\\content_9.htm", datetime.date(2024, 8, 2)),
        ("content_123456789.htm", None),
        ("page-02.txt", None),
        ("", None),
    ],
)
def test_date_from_path(path, expected):
    assert date_from_path(path) == expected


# --------------------------------------------------------------------------------------
# Missing blocks


def test_minimal_page_has_only_number_and_title():
    parsed = page("当前版：07版\n只有标题\n")

    assert parsed == ParsedPage(page_number=7, page_label="07", title="只有标题")
    assert parsed.page_numbers == (7,)
    assert parsed.position is None
    assert parsed.page_ref is None


def test_missing_chrome_subtitle_byline_and_lists():
    parsed = page("当前版：02版\n\n沙地里长出新产业\n\n　　春天一到，新芽冒出。\n")

    assert (parsed.subtitle, parsed.byline, parsed.kicker, parsed.editor) == ("", "", "", "")
    assert (parsed.pages, parsed.headlines) == ((), ())
    assert texts(parsed) == ["春天一到，新芽冒出。"]


# --------------------------------------------------------------------------------------
# Rejections


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "empty file"),
        ("\ufeff\n\n".encode(), "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes)"),
        (b"\xff\xff\xfe\x80\x80", "cannot decode as UTF-8 or GB18030"),
        ("当前版：02版\n上一篇 下一篇\n".encode(), "no title found"),
        ("只有标题\n　　正文。\n".encode(), "no page number found"),
        ("当前版：第版\n标题\n".encode(), "no page number found"),
        (bytes(range(1, 9)) * 20, "binary file (control characters)"),
    ],
)
def test_rejections_have_one_line_reasons(data, reason):
    with pytest.raises(PageParseError) as caught:
        parse_page(data, "page.txt")

    assert str(caught.value) == reason
    assert isinstance(caught.value, ValueError)


# --------------------------------------------------------------------------------------
# HTML

FOUNDER_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>内蒙古日报</title>
<script>document.write("<h1>假标题</h1>")</script><style>h1{color:red}</style></head>
<body onload="steal()">
<div id="pageList">
  <a href="node_1.htm">第01版：要闻</a>
  <a href="node_2.htm">第02版：经济</a>
  <a href="node_3.htm">第03版：理论特刊 ③</a>
</div>
<map name="pagemap">
  <area shape="rect" coords="10,20,300,400" href="content_1.htm">
  <area shape="poly" coords="1,1,2,2,3,3" href="javascript:alert(1)">
</map>
<table><tr><td id="PreTitle">绿色发展</td></tr>
<tr><td id="Title">沙地里长出<br>新产业</td></tr>
<tr><td id="SubTitle">——某旗治沙致富调查</td></tr></table>
<div id="ozoom"><founder-content>
<p>　　本报记者 张三</p>
<p onclick="alert(2)">　　春天一到，沙地里的灌木冒出了新芽。<script>alert(3)</script></p>
<p>　　治沙先治穷</p>
<p>　　牧民们说，好日子来了。（下转第3版）</p>
<p>　　（上接第2版）治沙的路还很长。</p>
</founder-content></div>
<p>《内蒙古日报》（2024年08月02日 第 02 版）</p>
<div id="titleList"><ul>
  <li><a href="content_2.htm">草原上的夜校开课了</a></li>
  <li><a href="content_1.htm">沙地里长出新产业</a></li>
  <li>本版责编：王五</li>
</ul></div>
</body></html>
"""


def assert_founder_page(parsed: ParsedPage) -> None:
    assert (parsed.page_number, parsed.page_label) == (2, "02")
    assert parsed.date == datetime.date(2024, 8, 2)
    assert (parsed.kicker, parsed.title, parsed.subtitle) == (
        "绿色发展",
        "沙地里长出新产业",
        "某旗治沙致富调查",
    )
    assert parsed.byline == "本报记者 张三"
    assert parsed.blocks == (
        Block("paragraph", "春天一到，沙地里的灌木冒出了新芽。", 2),
        Block("subhead", "治沙先治穷", 2),
        Block("paragraph", "牧民们说，好日子来了。", 2),
        Block("paragraph", "治沙的路还很长。", 3),
    )
    assert [(ref.label, ref.section) for ref in parsed.pages] == [
        ("01", "要闻"),
        ("02", "经济"),
        ("03", "理论特刊"),
    ]
    assert parsed.headlines == ("草原上的夜校开课了", "沙地里长出新产业")
    assert parsed.editor == "王五"
    assert parsed.position == 2
    assert parsed.regions == (Region("rect", "10,20,300,400", "content_1.htm"),)


def test_html_with_founder_marks():
    assert_founder_page(parse_page(FOUNDER_HTML.encode(), "content_1.htm"))


def test_html_is_recognised_by_content_without_a_suffix():
    assert_founder_page(parse_page(FOUNDER_HTML.encode(), "page"))


def test_html_whose_meta_charset_lies():
    gbk_saying_utf8 = FOUNDER_HTML.encode("gbk")
    utf8_saying_gbk = FOUNDER_HTML.replace('charset="utf-8"', 'charset="gb2312"').encode()

    assert_founder_page(parse_page(gbk_saying_utf8, "content_1.htm"))
    assert_founder_page(parse_page(utf8_saying_gbk, "content_1.htm"))


def test_html_with_heading_marks_and_founder_tags():
    html = """<html><body>
    <div>当前版：03版</div>
    <div class="article"><h3>引题</h3><h1>主标题</h1><h2>—副题</h2>
    <founder-content><p>　　第一段。</p><p>　　小标题</p><p>　　第二段。</p></founder-content></div>
    <a id="pageLink" href="n1.htm">第01版：要闻</a><a id="pageLink" href="n2.htm">第02版：评论</a>
    <a id="pageLink" href="n3.htm">第03版：文化 ②</a>
    <ul class="news-list"><li>主标题</li><li>另一篇</li><li>责任编辑：李四</li></ul>
    </body></html>"""
    parsed = parse_page(html.encode(), "x.html")

    assert (parsed.kicker, parsed.title, parsed.subtitle) == ("引题", "主标题", "副题")
    assert parsed.page_number == 3
    assert texts(parsed) == ["第一段。", "小标题", "第二段。"]
    assert parsed.pages[2] == PageRef(3, "03", "文化 ②", "文化")
    assert (parsed.headlines, parsed.editor, parsed.position) == (("主标题", "另一篇"), "李四", 1)


def test_html_without_marks_is_read_as_its_visible_text():
    html = """<html><head><style>.x{}</style><script>var t = "当前版：09版";</script></head>
    <body><div>往期阅读</div><div>当前版：02版 上一版 下一版</div>
    <div>沙地里长出新产业</div>
    <div>——某旗治沙致富调查</div>
    <p>&nbsp;&nbsp;春天一到，
       沙地里的灌木冒出了新芽。</p>
    <p>　　牧民们说，好日子来了。<br>　　治沙的路还很长。</p>
    <!-- 当前版：08版 -->
    <div>上一篇 下一篇</div>
    <div>第01版：要闻</div><div>第02版：经济</div>
    <ul><li>草原上的夜校开课了</li><li>沙地里长出新产业</li></ul>
    </body></html>"""
    parsed = parse_page(html.encode(), "page.htm")

    assert (parsed.page_number, parsed.title, parsed.subtitle) == (
        2,
        "沙地里长出新产业",
        "某旗治沙致富调查",
    )
    assert texts(parsed) == [
        "春天一到，沙地里的灌木冒出了新芽。",
        "牧民们说，好日子来了。",
        "治沙的路还很长。",
    ]
    assert len(parsed.pages) == 2
    assert parsed.position == 2


def test_hostile_html_never_reaches_the_output():
    html = """<html><body onload="evil()">
    <div>当前版：02版</div>
    <h1 onmouseover="evil()">标题<script>alert('t')</script><img src=x onerror="evil()"></h1>
    <div id="ozoom"><p>　　正文<script>alert('p')</script><style>p{}</style>。</p>
    <p><iframe src="javascript:evil()"></iframe>　　第二段<a href="javascript:evil()">链接</a>。</p>
    </div>
    <map><area shape="rect" coords="1,2,3,4" href=" java\tscript:evil()">
    <area shape="rect" coords="1,2,3,4" href="data:text/html,evil">
    <area shape="rect" coords="1,2,3,4&quot;onclick=evil()" href="ok.htm"></map>
    </body></html>"""
    parsed = parse_page(html.encode(), "evil.html")

    output = " ".join(
        [parsed.title, parsed.kicker, parsed.subtitle, parsed.byline, *texts(parsed)]
        + [f"{r.shape} {r.coords} {r.href}" for r in parsed.regions]
    )
    assert parsed.title == "标题"
    assert texts(parsed) == ["正文。", "第二段链接。"]
    assert parsed.regions == ()
    for bad in ("evil", "alert", "<", "script", "onerror"):
        assert bad not in output


def test_html_without_title_or_page_number_is_rejected():
    with pytest.raises(PageParseError, match="no page number found"):
        parse_page(b"<html><body><h1>T</h1><div id='ozoom'><p>x</p></div></body></html>")
    with pytest.raises(PageParseError, match="no title found"):
        parse_page("<html><body><div>当前版：01版</div></body></html>".encode())


def test_title_missing_from_the_headline_list_falls_back_to_the_first_line():
    parsed = page(PAGE.replace("\n沙地里长出新产业\n本版", "\n别的标题\n本版"))

    assert parsed.title == "沙地里长出新产业"
    assert parsed.position is None
    assert parsed.headlines == ("草原上的夜校开课了", "别的标题")


def test_html_title_mark_without_body_mark_guides_the_visible_text():
    html = """<html><body><div>当前版：02版</div><div>内蒙古日报</div><div>导读</div>
    <h1>沙地里长出新产业</h1><p>　　春天一到，新芽冒出。</p><p>　　牧民们笑了。</p>
    <div id="pageList">第01版：要闻<br>第02版：经济</div></body></html>"""
    parsed = parse_page(html.encode(), "a.html")

    assert parsed.title == "沙地里长出新产业"
    assert parsed.kicker == "导读"
    assert texts(parsed) == ["春天一到，新芽冒出。", "牧民们笑了。"]
    assert [ref.name for ref in parsed.pages] == ["要闻", "经济"]


def test_plain_text_page_is_not_taken_for_html():
    parsed = parse_page(PAGE.encode(), "page.txt")

    assert parsed.title == "沙地里长出新产业"


# --------------------------------------------------------------------------------------
# Properties: any input gives a page or a PageParseError, nothing else

FORMAT_LINES = [
    "往期阅读",
    "当前版: 02版 上一版\xa0\xa0下一版",
    "当前版：A03版",
    "上一篇 \xa0\xa0 下一篇",
    "放大 缩小 默认 \xa0\xa0",
    "\xa0\xa0\xa0\xa0\xa0标题导航",
    "内蒙古日报 2024年08月02日 星期五",
    "2024-08-02",
    "2024-13-45",
    "绿色发展",
    "沙地里长出新产业",
    "沙地里:长出新产业",
    "——某旗治沙致富调查",
    "—",
    "--",
    "本报记者 张三 李四",
    "□本报记者 王五",
    "记者",
    "文/图 孙八",
    "  深调研,政协报告见真章",
    "　　春天一到，沙地里的灌木冒出了新芽。",
    "  ■下转第4版  ■上接第2版",
    "（下转第十二版）",
    "(上接第02版)",
    "下转第零版",
    "转第999版",
    "\xa0 \xa0第01版:一版要闻",
    "第05版:理论特刊 ④",
    "01版：要闻",
    "第A01版：封面",
    "第版：",
    "本版责编：张三",
    "责任编辑:",
    "《人民日报》（2024年01月07日 第 01 版）",
    "《人民日报》（2024年02月30日 第 01 版）",
    "<html><body><h1>标题</h1>",
    "<div id='ozoom'><p>正文</p></div>",
    "<area shape=rect coords='1,2' href='x.htm'>",
    "<!--",
    "<![CDATA[",
    "",
    " ",
    "\xa0",
]


def check_outcome(data: bytes, name: str = "") -> None:
    reason = None
    try:
        result = parse_page(data, name)
    except PageParseError as exc:
        reason = str(exc)
    if reason is not None:
        assert reason
        assert "\n" not in reason
        return
    assert isinstance(result, ParsedPage)
    assert result.kind in ("article", "page_view")
    assert result.title or result.kind == "page_view"
    assert result.page_number > 0
    assert len(result.headline_links) in (0, len(result.headlines))
    assert result.page_numbers[0] == result.page_number
    for block in result.blocks:
        assert block.kind in ("paragraph", "subhead")
        assert block.text
        assert block.text == block.text.strip()
        assert "\n" not in block.text


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=2000), st.sampled_from(["", "a.txt", "a.htm"]))
def test_arbitrary_bytes_give_a_page_or_a_parse_error(data, name):
    check_outcome(data, name)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_arbitrary_text_gives_a_page_or_a_parse_error(text, encoding):
    check_outcome(text.encode(encoding, errors="replace"))


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.one_of(st.sampled_from(FORMAT_LINES), st.text(max_size=40)),
        max_size=60,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "page.txt", "page.html"]),
)
def test_format_like_lines_give_a_page_or_a_parse_error(lines, newline, name):
    check_outcome(newline.join(lines).encode(), name)


@settings(max_examples=200, deadline=None, database=None)
@given(st.permutations(PAGE.splitlines()))
def test_shuffled_page_gives_a_page_or_a_parse_error(lines):
    check_outcome("\n".join(lines).encode())


def test_boxed_name_after_the_title_is_the_byline():
    text = "当前版: 05版\n\n谈谈城市的温度\n\n□方知远\n\n  城市的温度，来自每一个普通人的善意。\n"
    page = parse_page(text.encode(), "p.txt")
    assert page.byline == "方知远"
    assert [b.kind for b in page.blocks] == ["paragraph"]


def test_boxed_name_inside_the_body_is_not_a_byline():
    text = "当前版: 05版\n\n谈谈城市的温度\n\n  城市的温度，来自善意。\n\n□方知远\n"
    page = parse_page(text.encode(), "p.txt")
    assert page.byline == ""


def test_plain_text_named_htm_is_read_as_text():
    as_htm = parse_page(PAGE.encode(), "content_1.htm")
    as_txt = parse_page(PAGE.encode(), "page.txt")

    # The same text whatever the name; only the key taken from the name differs.
    assert (as_htm.article_key, as_txt.article_key) == ("content_1", "page")
    assert replace(as_htm, article_key="") == replace(as_txt, article_key="")
    assert as_htm.form == as_txt.form == "text"


def test_html_page_number_from_its_title_when_the_page_prints_none():
    html = """<html><head><title>临江日报-第02版：经济</title></head><body>
    <h1>沙地里长出新产业</h1><div id="ozoom"><p>　　春天一到，新芽冒出。</p></div>
    </body></html>"""
    parsed = parse_page(html.encode(), "content_1.htm")
    assert (parsed.page_number, parsed.page_label, parsed.title) == (2, "02", "沙地里长出新产业")


def test_html_page_number_from_its_title_without_founder_marks():
    html = """<html><head><title>临江日报数字报 第03版</title></head><body>
    <div>沙地里长出新产业</div><p>　　春天一到，新芽冒出。</p></body></html>"""
    parsed = parse_page(html.encode(), "a.html")
    assert (parsed.page_number, parsed.title) == (3, "沙地里长出新产业")


def test_printed_page_mark_wins_over_the_html_title():
    html = """<html><head><title>第09版</title></head><body><div>当前版：02版</div>
    <h1>标题</h1><div id="ozoom"><p>　　正文。</p></div></body></html>"""
    assert parse_page(html.encode(), "a.htm").page_number == 2


def test_the_forms_load_whole_when_threads_parse_at_once(monkeypatch):
    import threading

    from editions.parsing import registry
    from tests.rawpages import raw_page

    monkeypatch.setattr(registry, "_forms", [])
    results, barrier = [], threading.Barrier(8)

    def parse():
        barrier.wait()
        try:
            results.append(parse_page(raw_page().encode(), "p2-1.txt").title)
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=parse) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(registry._forms) == len(registry.BUILTIN_FORMS)
    assert all(isinstance(title, str) and title for title in results), results
