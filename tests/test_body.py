"""The editor-facing body format: blocks survive a round trip through text."""

from editions.body import BodyBlock, blocks_to_text, page_numbers, text_to_blocks

BLOCKS = [
    BodyBlock("paragraph", "第一段。", 2),
    BodyBlock("subhead", "小标题", 2),
    BodyBlock("paragraph", "第二段。", 2),
    BodyBlock("paragraph", "转到第四版的一段。", 4),
    BodyBlock("subhead", "再一个小标题", 4),
]


def test_blocks_round_trip_through_editor_text():
    text = blocks_to_text(BLOCKS, start_page=2)
    assert text_to_blocks(text, start_page=2) == BLOCKS


def test_text_marks_subheads_and_page_changes():
    text = blocks_to_text(BLOCKS, start_page=2)
    assert "## 小标题" in text
    assert "--- 第4版 ---" in text


def test_page_numbers_follow_the_jumps_in_order():
    assert page_numbers(BLOCKS, 2) == [2, 4]
    assert page_numbers([], 3) == [3]


def test_editor_typing_is_forgiven():
    text = "第一行\r\n接着第一行。\r\n\r\n\r\n##  小标题  \n\n  第二段。  "
    assert text_to_blocks(text, 1) == [
        BodyBlock("paragraph", "第一行接着第一行。", 1),
        BodyBlock("subhead", "小标题", 1),
        BodyBlock("paragraph", "第二段。", 1),
    ]


def test_latin_words_split_across_lines_keep_their_space():
    assert text_to_blocks("The quick\nbrown fox", 1)[0].text == "The quick brown fox"


def test_empty_body_has_no_blocks():
    assert text_to_blocks("", 1) == []
    assert text_to_blocks("\n\n   \n", 1) == []
