"""amucsite "pad" article views: an invented page in the template, then the real ones."""

from __future__ import annotations

import datetime

import pytest

from editions.parsing import Block, Photo, parse_page
from tests.test_parsing import REAL

# Invented text in the template's structure (the <div id="scroller"> part a mirror
# keeps): hidden page, kicker ending in ——, a title with a line break, #author with
# the date, a dateline credit, a bold subhead, a photo with its caption, the comment.
PAD = """<div id="scroller">
  <div class="caption">
    <font id="guide"></font>
    <p id="nowLayout" class="hide">03</p>
    <font id="intro-title">绿色发展看基层——</font>
    <font id="main-title">沙地里
长出新产业</font>
    <font id="sub-title">——某旗治沙致富调查</font>
    <font id="author">2024年08月02日</font>
  </div>
  <div class="content" id="content">
    <img src="../../../pic/202408/02/abc.jpg" style="border-style: none">
    <p>    8月1日，牧民在沙地里栽种灌木。（临江日报全媒记者 王五 摄）</p>
    <founder-content>
      <!--enpcontent--><p>     </p>
      <p>     临江日报讯 （记者张三、通讯员李四）春天一到，沙地里的灌木冒出了新芽。</p>
      <p><strong>治沙先治穷</strong></p>
      <p>    牧民老王说：“种下的每一棵树，都是存下的一笔钱。”</p><p><br></p>
      <!--/enpcontent--><!--enpproperty <date>2024-08-02 00:00:00:0</date><author></author>
      <introtitle>绿色发展看基层——</introtitle><paperarticleid>300001</paperarticleid>
      <url>http://epaper.example.cn/pc/content/202408/02/content_300001.html</url>
      <urlpad>content_300001.html</urlpad><title>沙地里长出新产业</title>/enpproperty-->
    </founder-content>
  </div>
  <div class="footer_sqd"><span>Copyright © 临江日报 [备案号]</span></div>
</div>
"""


def pad(html: str = PAD, name: str = "00_p03_content_300001.html"):
    return parse_page(html.encode(), name)


def texts(parsed) -> list[str]:
    return [block.text for block in parsed.blocks]


def test_pad_view_reads_its_marks():
    parsed = pad()

    assert parsed.form == "pad"
    assert (parsed.page_number, parsed.page_label) == (3, "03")
    assert parsed.kicker == "绿色发展看基层"
    assert parsed.title == "沙地里 长出新产业"  # a line break in a title reads as a space
    assert parsed.subtitle == "某旗治沙致富调查"
    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.article_key == "content_300001"
    assert parsed.paper_name == "临江日报"


def test_dateline_credit_is_the_byline_and_the_rest_stays_body():
    parsed = pad()

    assert parsed.byline == "记者张三、通讯员李四"
    assert parsed.blocks == (
        Block("paragraph", "临江日报讯 春天一到，沙地里的灌木冒出了新芽。", 3),
        Block("subhead", "治沙先治穷", 3),
        Block("paragraph", "牧民老王说：“种下的每一棵树，都是存下的一笔钱。”", 3),
    )


def test_a_dateline_with_nothing_after_it_leaves_no_paragraph():
    parsed = pad(PAD.replace("）春天一到，沙地里的灌木冒出了新芽。", "）"))

    assert parsed.byline == "记者张三、通讯员李四"
    assert texts(parsed)[0] == "治沙先治穷"


@pytest.mark.parametrize(
    ("first", "credit"),
    [
        ("临江日报全媒记者 王五 通讯员 赵六", "临江日报全媒记者 王五 通讯员 赵六"),
        ("□ 临江日报评论员", "临江日报评论员"),
        ("本报记者 钱七", "本报记者 钱七"),
    ],
)
def test_byline_paragraph_forms(first, credit):
    html = PAD.replace("临江日报讯 （记者张三、通讯员李四）春天一到", f"{first}</p><p>春天一到")

    parsed = pad(html)

    assert parsed.byline == credit
    assert texts(parsed)[0] == "春天一到，沙地里的灌木冒出了新芽。"


def test_photo_caption_is_kept_with_the_photo_and_never_in_the_body():
    parsed = pad()

    assert parsed.photos == (
        Photo(
            "../../../pic/202408/02/abc.jpg",
            "8月1日，牧民在沙地里栽种灌木。（临江日报全媒记者 王五 摄）",
        ),
    )
    assert not any("栽种" in text for text in texts(parsed))


def test_the_comment_fills_in_what_the_page_lacks_and_never_leaks():
    bare = (
        PAD.replace('<font id="main-title">沙地里\n长出新产业</font>', "")
        .replace('<font id="author">2024年08月02日</font>', "")
        .replace('<font id="intro-title">绿色发展看基层——</font>', "")
    )
    parsed = pad(bare, name="saved.html")

    assert parsed.title == "沙地里长出新产业"
    assert parsed.kicker == "绿色发展看基层"
    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.article_key == "content_300001"
    output = " ".join([parsed.title, parsed.kicker, parsed.byline, *texts(parsed)])
    for leaked in ("enp", "paperarticleid", "300001", "http", "<", "00:00"):
        assert leaked not in output


def test_author_holding_a_name_is_the_byline():
    html = PAD.replace("2024年08月02日</font>", "本报记者 孙八</font>")

    assert pad(html).byline == "本报记者 孙八"


# --------------------------------------------------------------------------------------
# The real pad views of 湖北日报, 2023-02-11

HBRB = REAL / "hbrb-2023-02-11"
METADATA = ("enpproperty", "paperarticleid", "urlpad", "http", "<", "2023-02-11", "2023年02月11日")


@pytest.fixture(scope="module")
def hbrb():
    if not HBRB.exists():
        pytest.skip("shared real samples not present")
    return {p.name: parse_page(p.read_bytes(), f"hbrb/{p.name}") for p in HBRB.glob("*.html")}


def test_every_real_pad_view_parses_without_metadata_in_the_text(hbrb):
    assert len(hbrb) == 16
    assert {p.form for p in hbrb.values()} == {"pad"}
    assert {p.date for p in hbrb.values()} == {datetime.date(2023, 2, 11)}
    assert {p.paper_name for p in hbrb.values()} == {"湖北日报"}
    for name, parsed in hbrb.items():
        assert parsed.title
        assert parsed.page_number == int(name[4:6])
        assert parsed.article_key == name[7:-5]
        assert parsed.blocks
        for text in [parsed.kicker, parsed.subtitle, parsed.byline, *texts(parsed)]:
            for leaked in METADATA:
                assert leaked not in text


def test_real_bylines_and_datelines(hbrb):
    bylines = {name[7:-5]: p.byline for name, p in hbrb.items() if p.byline}

    assert len(bylines) == 6
    assert bylines["content_211250"].endswith("评论员")
    assert bylines["content_211261"].startswith("湖北日报全媒记者")
    dated = hbrb["07_p03_content_211262.html"]
    assert dated.byline.startswith("记者")
    assert texts(dated)[0].startswith("湖北日报讯 ")


def test_real_titles_kickers_subheads_and_photos(hbrb):
    two_lines = hbrb["08_p03_content_211263.html"]
    assert " " in two_lines.title
    assert not any(p.kicker.endswith("—") for p in hbrb.values())
    assert [b.kind for b in hbrb["06_p03_content_211261.html"].blocks].count("subhead") == 3
    assert sum(len(p.photos) for p in hbrb.values()) == 5
    captioned = hbrb["06_p03_content_211261.html"]
    assert captioned.photos[0].caption
    assert captioned.photos[0].caption not in texts(captioned)


def test_a_story_continued_whole_on_another_page_reads_the_same(hbrb):
    front, later = hbrb["26_p01_content_211244.html"], hbrb["02_p04_content_211269.html"]

    assert (front.title, texts(front)) == (later.title, texts(later))
    assert (front.page_number, later.page_number) == (1, 4)
