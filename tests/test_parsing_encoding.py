"""Encodings the parser cannot read are rejected as such, never read as mojibake."""

from __future__ import annotations

import pytest

from editions.parsing import PageParseError, decode, parse_page

# Invented pages: traditional Chinese (Big5) and Japanese (Shift_JIS), both of which
# GB18030 "decodes" into rare characters.
TRADITIONAL = (
    "當前版：02版\n\n沙地裡長出新產業\n\n"
    "　　春天一到，沙地裡的灌木冒出了新芽。牧民們說，種下的每一棵樹，都是存下的一筆錢。\n"
)
JAPANESE = (
    "当前版：02版\n\n砂地に新しい産業が育つ\n\n"
    "　　春が来ると、砂地の低木が新芽を出した。牧民たちは、植えた木の一本一本が貯金だと言う。\n"
)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        pytest.param(TRADITIONAL.encode("big5"), "Big5", id="big5"),
        pytest.param(JAPANESE.encode("shift_jis"), "Shift_JIS", id="shift_jis"),
        pytest.param(
            f"<html><body><h1>{TRADITIONAL}</h1></body></html>".encode("big5"), "Big5", id="html"
        ),
    ],
)
def test_big5_and_shift_jis_are_rejected_as_unsupported_encodings(data, named):
    with pytest.raises(PageParseError) as caught:
        parse_page(data, "page.htm")

    reason = str(caught.value)
    assert reason.startswith("unsupported encoding")
    assert named in reason
    assert "page number" not in reason


def test_gbk_simplified_and_traditional_text_still_decode():
    simplified = "当前版：02版\n\n沙地里长出新产业\n\n　　春天一到，沙地里的灌木冒出了新芽。\n"

    assert decode(simplified.encode("gbk")) == simplified
    assert decode(TRADITIONAL.encode("gbk")) == TRADITIONAL
    assert parse_page(simplified.encode("gb18030")).title == "沙地里长出新产业"


def test_a_few_stray_bytes_are_not_judged():
    assert decode("标题".encode("gbk")) == "标题"
