"""Crawler text dumps (``YYYYMMDD-PP-NN.txt``): invented files, then the real ones."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editions.parsing import Block, PageParseError, parse_page
from tests.test_parsing import REAL, check_outcome

# An invented dump in the crawler's layout: kicker, title, subtitle without dashes,
# then one paragraph a line, U+3000 indents, U+00A0 inside, a line of only spaces.
DUMP = (
    "绿色发展看基层\r\n"
    "沙地里长出新产业\r\n"
    "某旗治沙致富调查\r\n"
    "\u3000\u3000本报呼和浩特8月1日电\xa0\xa0春天一到，沙地里的灌木冒出了新芽。\r\n"
    "\u3000\u3000治沙先治穷\r\n"
    "\u3000\u3000\u3000\xa0\r\n"
    "\u3000\u3000牧民老王说：“种下的每一棵树，都是存下的一笔钱。”\r\n"
)


def dump(text: str = DUMP, name: str = "20240802-03-05.txt"):
    return parse_page(text.encode(), name)


def texts(parsed) -> list[str]:
    return [block.text for block in parsed.blocks]


def test_dump_lines_are_kicker_title_subtitle_then_paragraphs():
    parsed = dump()

    assert parsed.form == "dump"
    assert parsed.kind == "article"
    assert (parsed.kicker, parsed.title, parsed.subtitle) == (
        "绿色发展看基层",
        "沙地里长出新产业",
        "某旗治沙致富调查",
    )
    assert parsed.blocks == (
        Block("paragraph", "本报呼和浩特8月1日电 春天一到，沙地里的灌木冒出了新芽。", 3),
        Block("subhead", "治沙先治穷", 3),
        Block("paragraph", "牧民老王说：“种下的每一棵树，都是存下的一笔钱。”", 3),
    )


def test_page_position_and_date_come_from_the_name():
    parsed = dump()

    assert (parsed.page_number, parsed.page_label) == (3, "03")
    assert parsed.position_hint == 5
    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.article_key == "20240802-03-05"
    assert parsed.pages == ()
    assert parsed.headlines == ()
    assert parsed.position is None


def test_dated_folder_layout_gives_the_same_article():
    in_folder = dump(name="archive/2024-08-02/03-05.txt")

    assert in_folder == dump(name="mirror/20240802-03-05.txt")
    assert in_folder.article_key == "20240802-03-05"


def test_blank_kicker_and_blank_subtitle_lines():
    parsed = dump("\n只有标题\n\n\u3000\u3000正文一段。\n")

    assert (parsed.kicker, parsed.title, parsed.subtitle) == ("", "只有标题", "")
    assert texts(parsed) == ["正文一段。"]


def test_subtitle_with_dashes_loses_them():
    parsed = dump("\n标题\n——副题在这里\n\u3000\u3000正文。\n")

    assert parsed.subtitle == "副题在这里"


def test_an_advertisement_parses_like_any_article():
    parsed = dump("\n广告\n\n", name="20240802-08-03.txt")

    assert (parsed.title, parsed.blocks, parsed.page_number) == ("广告", (), 8)


def test_jump_lines_and_credits_in_a_dump():
    text = "\n标题\n\n\u3000\u3000第一段。（下转第6版）\n\u3000\u3000第二段。\n责任编辑 王五\n"
    parsed = dump(text)

    assert [(b.text, b.page) for b in parsed.blocks] == [("第一段。", 3), ("第二段。", 6)]
    assert parsed.editor == "王五"
    assert parsed.page_numbers == (3, 6)


def test_a_signature_and_a_date_closing_a_letter_are_not_subheads():
    parsed = dump(
        "\n一封回信\n\n\u3000\u3000信的正文。\n\u3000\u3000——王五\n\u3000\u30002024年8月1日\n"
    )

    assert [b.kind for b in parsed.blocks] == ["paragraph"] * 3


def test_a_byline_line_after_the_title_block():
    parsed = dump("\n标题\n\n本报记者 张三\n\u3000\u3000正文。\n")

    assert parsed.byline == "本报记者 张三"
    assert texts(parsed) == ["正文。"]


def test_an_article_view_under_a_dump_name_is_still_an_article_view():
    view = "当前版：02版\n\n标题一行\n\u3000\u3000正文。\n"
    parsed = dump(view, name="20240802-03-05.txt")

    assert parsed.form == "text"
    assert parsed.page_number == 2


@pytest.mark.parametrize("name", ["20241302-03-05.txt", "20240802-03.txt", "20240802-03-05.md"])
def test_other_names_are_not_dumps(name):
    with pytest.raises(PageParseError, match="no page number found"):
        parse_page("\n标题\n\n\u3000\u3000正文。\n".encode(), name)


def test_empty_title_is_rejected():
    with pytest.raises(PageParseError, match="no title found"):
        dump("\n\n\n\u3000\u3000正文。\n")


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=400), st.sampled_from(["20240802-01-01.txt", "2024-08-02/A3-10.txt"]))
def test_arbitrary_text_under_a_dump_name_gives_a_page_or_a_parse_error(text, name):
    check_outcome(text.encode("utf-8", errors="replace"), name)


# --------------------------------------------------------------------------------------
# The real dumps of 人民日报, 2019-10-16 (read when the shared samples are present)

RMRB = REAL / "rmrb-2019-10-16"


@pytest.fixture(scope="module")
def rmrb():
    if not RMRB.exists():
        pytest.skip("shared real samples not present")
    return {p.stem: parse_page(p.read_bytes(), f"rmrb/{p.name}") for p in RMRB.glob("*.txt")}


def test_every_real_dump_parses(rmrb):
    assert len(rmrb) == 38
    assert {p.form for p in rmrb.values()} == {"dump"}
    assert sorted({p.page_number for p in rmrb.values()}) == [1, 2, 3, 4, 5]
    assert {p.date for p in rmrb.values()} == {datetime.date(2019, 10, 16)}
    for stem, parsed in rmrb.items():
        assert parsed.title
        assert parsed.article_key == stem
        assert parsed.position_hint == int(stem[-2:])
        for block in parsed.blocks:
            assert block.text == block.text.strip()
            assert "\xa0" not in block.text
            assert "\u3000" not in block.text


def test_real_dumps_keep_kickers_and_subtitles(rmrb):
    assert sum(1 for p in rmrb.values() if p.kicker) == 8
    with_dashes = rmrb["20191016-01-07"]
    assert with_dashes.subtitle
    assert not with_dashes.subtitle.startswith("—")
    assert rmrb["20191016-04-04"].subtitle  # a subtitle printed without dashes
    assert len(rmrb["20191016-01-07"].blocks) > 50


def test_a_story_printed_again_on_its_later_page_reads_the_same(rmrb):
    first, again = rmrb["20191016-01-05"], rmrb["20191016-02-07"]

    assert (first.title, texts(first)) == (again.title, texts(again))
    assert (first.page_number, again.page_number) == (1, 2)
