"""HTML article templates (People's Daily, Guangming), photos and editor credits.

All pages are invented, written in each template's structure.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editions.parsing import Photo, date_from_path, parse_page
from tests.test_parsing import check_outcome
from tests.test_parsing_pad import PAD

RMRB_2017 = """<html><head><meta charset="gbk"><title>人民日报</title></head><body>
<div class="ban">第01版：要闻</div>
<div id="riqi_">2017年10月16日 星期一</div>
<div class="text_c">
  <h3>绿色发展看基层</h3>
  <h1>沙地里长出<br>新产业</h1>
  <h2>——某旗治沙致富调查</h2>
  <h4>本报记者 张三</h4>
  <table class="pci_c"><tr><td><img src="../../../res/1/20171016/a.jpg"></td></tr>
  <tr><td class="pci_f">牧民在沙地里栽种灌木。本报记者 李四摄</td></tr></table>
  <div class="sha_left"><span class="date">《人民日报》（2017年10月16日 第 01 版）</span></div>
  <div class="c_c" id="ozoom"><!--enpcontent-->
    <p>　　春天一到，沙地里的灌木冒出了新芽。</p>
    <p>　　<strong>治沙先治穷</strong></p>
    <p>　　牧民们说，好日子来了。</p>
  <!--/enpcontent--></div>
</div>
<div class="l_c">
  <a id="pageLink" href="nbs.D110000renmrb_01.htm">01版：要闻</a>
  <a id="pageLink" href="nbs.D110000renmrb_02.htm">02版：要闻</a>
</div>
<div class="list_r"><ul>
<script>document.write("<li><a href=nw.D110000renmrb_20171016_1-01.htm>"
  + "沙地里长出新产业</a></li>")</script>
<script>document.write("<li><a href=nw.D110000renmrb_20171016_2-01.htm>草原上的夜校开课了"
  + "</a></li>")</script>
</ul></div>
</body></html>
"""


def test_peoples_daily_2017_template():
    parsed = parse_page(
        RMRB_2017.encode("gbk"), "rmrb/html/2017-10/16/nw.D110000renmrb_20171016_1-01.htm"
    )

    assert parsed.form == "rmrb"
    assert parsed.article_key == "nw.D110000renmrb_20171016_1-01"
    assert (parsed.page_number, parsed.page_label) == (1, "01")
    assert parsed.date == datetime.date(2017, 10, 16)
    assert parsed.paper_name == "人民日报"
    assert (parsed.kicker, parsed.title, parsed.subtitle) == (
        "绿色发展看基层",
        "沙地里长出 新产业",
        "某旗治沙致富调查",
    )
    assert parsed.byline == "本报记者 张三"
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("paragraph", "春天一到，沙地里的灌木冒出了新芽。"),
        ("subhead", "治沙先治穷"),
        ("paragraph", "牧民们说，好日子来了。"),
    ]
    assert parsed.photos == (
        Photo("../../../res/1/20171016/a.jpg", "牧民在沙地里栽种灌木。本报记者 李四摄"),
    )
    assert parsed.headlines == ("沙地里长出新产业", "草原上的夜校开课了")
    assert parsed.headline_links == (
        "nw.D110000renmrb_20171016_1-01",
        "nw.D110000renmrb_20171016_2-01",
    )
    assert parsed.position == 1
    assert [ref.label for ref in parsed.pages] == ["01", "02"]


def test_peoples_daily_2017_page_from_the_file_name_alone():
    html = RMRB_2017.replace("第 01 版", "").replace("第01版：要闻", "")
    parsed = parse_page(html.encode(), "nw.D110000renmrb_20171016_3-02.htm")

    assert (parsed.page_number, parsed.date) == (2, datetime.date(2017, 10, 16))


PC = """<html><head><title>北疆晨报</title></head><body>
<div class="paper-bot"><p class="left ban">第03版：经济</p>
<a href="../../../attachement/202503/16/03.pdf">PDF下载</a></div>
<div class="article">
  <h3></h3>
  <h1><p>草原上的夜校开课了</p></h1>
  <h2></h2>
  <p class="sec">本报记者 韩冰 <span class="date">《北疆晨报》（2025年03月16日 第 03 版）</span></p>
  <div id="ozoom">
    <div class="attachment"><img src="../../../pic/202503/16/b.jpg"><p>夜校里的牧民学员。</p></div>
    <p>　　夜校开课第一天，教室里坐满了人。</p>
    <p>　　“学会了电商，羊肉也能卖到城里。”</p>
  </div>
</div>
<div class="news"><ul class="news-list">
  <li><a href="content_30048054.html">沙地里长出新产业</a></li>
  <li><a href="content_30048055.html">草原上的夜校开课了</a></li>
</ul></div>
<div class="swiper-slide">
  <a id="pageLink" href="../../../layout/202503/16/node_01.html">01版：要闻</a></div>
<div class="swiper-slide">
  <a id="pageLink" href="../../../layout/202503/16/node_02.html">02版：评论</a></div>
<div class="swiper-slide">
  <a id="pageLink" href="../../../layout/202503/16/node_03.html">03版：经济</a></div>
</body></html>
"""


def test_peoples_daily_pc_template_with_any_papers_name():
    parsed = parse_page(PC.encode(), "bjcb/pc/content/202503/16/content_30048055.html")

    assert parsed.form == "rmrb-pc"
    assert parsed.article_key == "content_30048055"
    assert (parsed.page_number, parsed.page_label) == (3, "03")
    assert parsed.date == datetime.date(2025, 3, 16)
    assert parsed.paper_name == "北疆晨报"
    assert parsed.title == "草原上的夜校开课了"
    assert parsed.byline == "本报记者 韩冰"
    assert [b.text for b in parsed.blocks] == [
        "夜校开课第一天，教室里坐满了人。",
        "“学会了电商，羊肉也能卖到城里。”",
    ]
    assert parsed.photos == (Photo("../../../pic/202503/16/b.jpg", "夜校里的牧民学员。"),)
    assert parsed.headline_links == ("content_30048054", "content_30048055")
    assert parsed.position == 2


def test_pc_mark_without_a_byline():
    html = PC.replace("本报记者 韩冰 ", "")

    assert parse_page(html.encode(), "content_1.html").byline == ""


GUANGMING = """<html><head><title>光明日报</title></head><body>
<div class="m-article-content">
  <div class="m-article-title"><h3></h3><h1>夜空中最亮的星</h1><h2>——记一位天文台的守望者</h2></div>
  <div class="m-article-author">作者：本报记者 周九</div>
  <div class="m-article-main">
    <p>　　夜里十点，观测楼的穹顶缓缓打开。</p>
    <p><img src="../../../pic/202401/07/c.jpg"></p>
    <p>　　他在这里守望了三十年。</p>
  </div>
</div>
<div id="pageList"><a href="node_01.html">第01版：要闻</a>
<a href="node_02.html">第02版：文化</a></div>
</body></html>
"""


def test_guangming_new_template():
    parsed = parse_page(GUANGMING.encode(), "gmrb/html/layout/202401/07/node_02.html")

    assert parsed.form == "guangming"
    assert (parsed.page_number, parsed.page_ref.name) == (2, "文化")
    assert (parsed.title, parsed.subtitle) == ("夜空中最亮的星", "记一位天文台的守望者")
    assert parsed.byline == "本报记者 周九"
    assert [b.text for b in parsed.blocks] == [
        "夜里十点，观测楼的穹顶缓缓打开。",
        "他在这里守望了三十年。",
    ]
    assert parsed.photos == (Photo("../../../pic/202401/07/c.jpg", ""),)
    assert parsed.paper_name == "光明日报"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pc/content/202412/25/content_30048054.html", datetime.date(2024, 12, 25)),
        ("rmrb/html/2019-10/16/nw.D110000renmrb_20191016_1-01.htm", datetime.date(2019, 10, 16)),
        ("content_30048054.html", None),
    ],
)
def test_date_from_path_reads_the_amucsite_layout(path, expected):
    assert date_from_path(path) == expected


# --------------------------------------------------------------------------------------
# Editor credits naming several pages, with or without a colon

PAGE = """当前版：02版

沙地里长出新产业
　　春天一到，沙地里的灌木冒出了新芽。

上一篇 下一篇
第01版：要闻
第02版：经济
沙地里长出新产业
{credit}
"""


@pytest.mark.parametrize(
    ("credit", "editor", "editors"),
    [
        ("一版责编：张三 二版责编：李四", "李四", (("一", "张三"), ("二", "李四"))),
        ("责任编辑 王五", "王五", (("02", "王五"),)),
        ("本版责编：王五 美编：赵六", "王五", (("02", "王五"),)),
        ("第01版编辑：张三 第02版编辑：李四 校对：钱七", "李四", (("01", "张三"), ("02", "李四"))),
    ],
)
def test_credits_for_several_pages_and_without_a_colon(credit, editor, editors):
    parsed = parse_page(PAGE.format(credit=credit).encode())

    assert parsed.headlines == ("沙地里长出新产业",)
    assert parsed.editor == editor
    assert parsed.editors == editors


def test_a_headline_starting_with_editor_is_not_a_credit():
    parsed = parse_page(PAGE.format(credit="编辑 手记").encode())

    assert parsed.headlines == ("沙地里长出新产业", "编辑 手记")
    assert parsed.editor == ""


# --------------------------------------------------------------------------------------
# Properties: pieces of every template give a page or a PageParseError, nothing else

TEMPLATE_LINES = sorted(
    {line for page in (RMRB_2017, PC, GUANGMING, PAD) for line in page.splitlines()}
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(st.sampled_from(TEMPLATE_LINES), max_size=50),
    st.sampled_from(["", "content_1.html", "nw.D110000renmrb_20171016_1-01.htm", "node_2.htm"]),
    st.sampled_from(["utf-8", "gb18030"]),
)
def test_pieces_of_templates_give_a_page_or_a_parse_error(lines, name, encoding):
    check_outcome("\n".join(lines).encode(encoding, errors="replace"), name)
