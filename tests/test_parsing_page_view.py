"""Page views (版面, ``node_N.htm``): an invented page in the template, then the real one."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editions.parsing import PageParseError, PageRef, Region, parse_page
from tests.test_parsing import REAL, check_outcome

# Invented in the classic Founder page view's structure: the map before the image,
# unclosed <li>s, letter-spaced page names, the banner with <strong>, the PDF link.
NODE = """\ufeff<html><head><meta charset="utf-8"><title>临江日报--数字报</title>
<script>var t = "<li>假的</li>";</script></head>
<body>
<div class="tu2-2">
<map name=PagePicMap>
<Area coords="300,2,150,2,150,140,300,140" shape="polygon" href="content_700001.htm?div=-1">
<Area coords="61.5,85,140,85,140,155.25,61.5,155.25" shape="polygon"
 href="content_700002.htm?div=0">
<Area coords="140,85,2,85,2,548,140,548" shape="polygon" href="content_700002.htm?div=-1">
<Area coords="1,2,3,4" shape="rect" href="javascript:evil()">
</map><img src=../../../images/2024-08/02/03/LJRB2024080203_b.jpg border=0 USEMAP=#PagePicMap
 width="400" height="575">
</div>
<div class="banci">第03版：<STRONG>经济</STRONG></div>
<div class="next"><a href="node_4.htm">下一版</a></div>
<div class="pdf"><a href=../../../images/2024-08/02/03/LJRB2024080203.pdf>
<img src="pdf.gif"></a></div>
<div class="title"><ul>
<li><img src="checkbox.bmp"><a href=content_700001.htm?div=-1>
<div id=mp700001>沙地里长出新产业</div></a>
<li><img src="checkbox.bmp"><a href=content_700002.htm?div=-1>
<div id=mp700002>草原上的夜校开课了</div></a>
<li>本版责编：王五
</ul></div>
<div class="date">2024年08月02日 星期五</div>
<div class="bmname">
<div>&nbsp;<a id=pageLink href=./node_2.htm>第01版：要　闻</a></div>
<div>&nbsp;<a id=pageLink href=node_3.htm>第02版：综 合</a></div>
<div>&nbsp;<a id=pageLink href=node_4.htm>第03版：经 济</a></div>
<div>&nbsp;<a id=pageLink href=node_5.htm>第04版：理论特刊 ④</a></div>
</div>
</body></html>
"""


def view(html: str = NODE, name: str = "ljrb/html/2024-08/02/node_4.htm"):
    return parse_page(html.encode(), name)


def test_page_view_is_a_page_without_a_title():
    parsed = view()

    assert (parsed.kind, parsed.form) == ("page_view", "page-view")
    assert (parsed.title, parsed.blocks, parsed.article_key) == ("", (), "")
    assert (parsed.page_number, parsed.page_label) == (3, "03")
    assert parsed.page_ref == PageRef(3, "03", "经济", "经济")
    assert parsed.date == datetime.date(2024, 8, 2)
    assert parsed.paper_name == "临江日报"


def test_letter_spaced_page_names_lose_their_spaces():
    assert [ref.name for ref in view().pages] == ["要闻", "综合", "经济", "理论特刊 ④"]


def test_headlines_come_with_their_article_links():
    parsed = view()

    assert parsed.headlines == ("沙地里长出新产业", "草原上的夜校开课了")
    assert parsed.headline_links == ("content_700001", "content_700002")
    assert parsed.editor == "王五"


def test_page_image_its_shown_size_and_the_pdf():
    parsed = view()

    assert parsed.image == "../../../images/2024-08/02/03/LJRB2024080203_b.jpg"
    assert parsed.image_size == (400, 575)
    assert parsed.pdf == "../../../images/2024-08/02/03/LJRB2024080203.pdf"


def test_regions_several_per_article_with_decimal_points():
    parsed = view()

    assert [r.article_key for r in parsed.regions] == ["content_700001"] + ["content_700002"] * 2
    assert parsed.regions[1].points == (61.5, 85.0, 140.0, 85.0, 140.0, 155.25, 61.5, 155.25)
    assert parsed.regions[0] == Region(
        "polygon", "300,2,150,2,150,140,300,140", "content_700001.htm?div=-1"
    )


def test_image_without_a_size_and_headlines_in_other_lists():
    html = (
        NODE.replace(' width="400" height="575"', "")
        .replace('<div class="title"><ul>', '<ul class="news-list">')
        .replace("</ul></div>", "</ul>")
    )
    parsed = view(html)

    assert parsed.image_size is None
    assert parsed.headline_links == ("content_700001", "content_700002")


def test_a_page_view_recognised_by_its_image_map_whatever_its_name():
    assert view(name="saved.html").kind == "page_view"


def test_headlines_written_by_a_script_are_read():
    html = NODE.replace(
        '<div class="title"><ul>',
        """<div id="list"><script>document.write("<li><a href=content_700003.htm>"""
        """\\u65b0\\u95fb\\u4e00\\u5219</a></li>" + """
        """'<li><a href=content_700004.htm>另一则</a></li>');"""
        """</script></div><div class="x"><ul>""",
    ).replace('<div class="title">', "")
    parsed = view(html.replace('class="title"', 'class="x"'))

    assert parsed.headlines == ("新闻一则", "另一则")
    assert parsed.headline_links == ("content_700003", "content_700004")


def test_page_view_without_a_page_label_is_rejected():
    html = NODE.replace("第03版：<STRONG>经济</STRONG>", "经济")
    with pytest.raises(PageParseError, match="no page number found"):
        view(html, name="saved.html")


def test_an_article_view_with_an_image_map_is_not_a_page_view():
    html = NODE.replace("</body>", '<h1>标题</h1><div id="ozoom"><p>　　正文。</p></div></body>')
    parsed = view(html, name="content_700001.htm")

    assert parsed.kind == "article"
    assert parsed.title == "标题"


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(st.sampled_from(NODE.splitlines()), max_size=40), st.sampled_from(["", "node_2.htm"])
)
def test_pieces_of_a_page_view_give_a_page_or_a_parse_error(lines, name):
    check_outcome("\n".join(lines).encode(), name)


# --------------------------------------------------------------------------------------
# The real page view of 科技日报, 2023-02-10, page 01

NODE_2 = REAL / "kjrb-2023-02-10" / "node_2.htm"


@pytest.fixture(scope="module")
def kjrb():
    if not NODE_2.exists():
        pytest.skip("shared real samples not present")
    return parse_page(NODE_2.read_bytes(), "kjrb/html/2023-02/10/node_2.htm")


def test_real_page_view_gives_the_page_and_its_list(kjrb):
    assert kjrb.kind == "page_view"
    assert kjrb.page_ref == PageRef(1, "01", "今日要闻", "今日要闻")
    assert len(kjrb.pages) == 8
    assert kjrb.pages[1].name == "综合"
    assert all(" " not in ref.name for ref in kjrb.pages)
    assert kjrb.date == datetime.date(2023, 2, 10)
    assert kjrb.paper_name == "科技日报"


def test_real_page_view_headlines_regions_image_and_pdf(kjrb):
    assert len(kjrb.headlines) == 5
    assert all(kjrb.headline_links)
    assert len(kjrb.regions) == 7
    assert len({r.article_key for r in kjrb.regions}) == 5
    assert {r.article_key for r in kjrb.regions} == set(kjrb.headline_links)
    assert kjrb.image.endswith("KJRB2023021001_b.jpg")
    assert kjrb.pdf.endswith("KJRB2023021001.pdf")
