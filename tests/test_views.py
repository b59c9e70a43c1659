"""The reader's views through the test client: what each page shows and links to."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from editions.models import Article, Edition
from tests.factories import HOSTILE, ArticleFactory, EditionFactory, PageFactory, build_edition
from tests.paths import (
    archive_path,
    article_path,
    edition_path,
    headlines_path,
    page_path,
    paper_path,
    search_path,
)

DAY = datetime.date(2024, 8, 2)

pytestmark = pytest.mark.django_db


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def texts(elements):
    return [" ".join(e.get_text(" ", strip=True).split()) for e in elements]


# --- latest edition and edition --------------------------------------------------


def test_front_page_opens_the_newest_published_edition_on_its_first_page(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 1))
    make_edition(date=datetime.date(2024, 8, 2))
    make_edition(date=datetime.date(2024, 8, 3), published=False)
    soup = soup_of(client.get("/"))
    assert soup.h1.get_text(strip=True) == "第01版：要闻1"
    assert soup.find("link", rel="canonical")["href"].endswith(page_path(1))
    assert soup.select_one(".masthead-date").get_text(strip=True) == "2024年8月2日 星期五"


def test_front_page_without_any_published_edition_says_so(client, make_edition):
    make_edition(published=False)
    response = client.get("/")
    assert response.status_code == 200
    assert "尚未出版任何一期报纸" in response.content.decode()


def test_edition_address_opens_its_first_page(client, edition):
    soup = soup_of(client.get(edition_path(edition.date)))
    assert soup.h1.get_text(strip=True) == "第01版：要闻1"
    assert soup.select_one(".page-list a[aria-current=page]")["href"] == page_path(1)


def test_edition_without_pages_renders_an_empty_edition(client):
    EditionFactory(date=DAY)
    response = client.get(edition_path(DAY))
    assert "本期暂无版面" in response.content.decode()


# --- page navigator ---------------------------------------------------------------


def test_page_shows_its_label_name_and_editor(client, jumping_edition):
    soup = soup_of(client.get(page_path(3)))
    assert soup.h1.get_text(strip=True) == "第03版：理论特刊 ④"
    assert "本版责编：王五" in soup.select_one(".page-meta").get_text()
    assert "当前版：" in soup.select_one(".current-page").get_text()


def test_page_lists_every_page_of_the_edition_with_the_current_one_marked(client, edition):
    soup = soup_of(client.get(page_path(2)))
    links = soup.select(".page-list a")
    assert [a["href"] for a in links] == [page_path(n) for n in (1, 2, 3, 4)]
    assert texts(links)[0] == "第01版 要闻1"
    assert [a["href"] for a in soup.select(".page-list a[aria-current=page]")] == [page_path(2)]


def test_page_lists_its_headlines_in_order_linking_to_the_articles(client, edition):
    soup = soup_of(client.get(page_path(2)))
    links = soup.select("main .headlines a")
    assert [a["href"] for a in links] == [article_path(2, p) for p in (1, 2, 3)]
    assert texts(soup.select("main .headline-title")) == ["第2版第1篇", "第2版第2篇", "第2版第3篇"]


def test_page_shows_kicker_and_subtitle_with_the_headline(client, jumping_edition):
    soup = soup_of(client.get(page_path(2)))
    first = soup.select_one("main .headlines li")
    assert first.select_one(".kicker").get_text() == "专题协商会侧记"
    assert first.select_one(".subtitle").get_text() == "——自治区政协专题协商会侧记"


def test_page_lists_an_article_continued_from_another_page(client, jumping_edition):
    soup = soup_of(client.get(page_path(4)))
    last = soup.select("main .headlines li")[-1]
    assert last.select_one(".headline-title").get_text() == "助力推动政策从“纸上”落到“地上”"
    assert last.select_one(".resumes").get_text() == "上接第2版"
    assert last.a["href"] == article_path(2, 1) + "#page-4"


def test_page_steps_to_the_previous_and_next_page(client, edition):
    soup = soup_of(client.get(page_path(2)))
    assert soup.select_one("[data-step=previous-page]")["href"] == page_path(1)
    assert soup.select_one("[data-step=next-page]")["href"] == page_path(3)


def test_first_and_last_pages_have_no_dead_step_links(client, edition):
    first = soup_of(client.get(page_path(1)))
    last = soup_of(client.get(page_path(4)))
    assert first.select_one("[data-step=previous-page]") is None
    assert last.select_one("[data-step=next-page]") is None
    assert "上一版" in first.select_one(".page-steps").get_text()


def test_every_edition_view_links_to_the_previous_and_next_edition(client, make_edition):
    make_edition(date=DAY - datetime.timedelta(days=1))
    make_edition(date=DAY)
    make_edition(date=DAY + datetime.timedelta(days=1))
    for url in (
        page_path(2),
        article_path(2, 2),
        headlines_path(DAY),
        edition_path(DAY),
    ):
        hrefs = [a["href"] for a in soup_of(client.get(url)).select(".edition-steps a")]
        assert hrefs[:2] == [
            edition_path("2024-08-02", "previous-edition"),
            edition_path("2024-08-02", "next-edition"),
        ], url


def test_stepping_goes_to_the_nearest_published_edition(client, make_edition):
    make_edition(date=datetime.date(2024, 7, 31))
    make_edition(date=datetime.date(2024, 8, 1), published=False)
    make_edition(date=datetime.date(2024, 8, 2))
    make_edition(date=datetime.date(2024, 8, 3), published=False)
    make_edition(date=datetime.date(2024, 8, 5))
    assert client.get(edition_path("2024-08-02", "previous-edition"))["Location"] == edition_path(
        "2024-07-31"
    )
    assert client.get(edition_path("2024-08-02", "next-edition"))["Location"] == edition_path(
        "2024-08-05"
    )
    # From any date, even one without an edition.
    assert client.get(edition_path("2024-08-04", "previous-edition"))["Location"] == edition_path(
        "2024-08-02"
    )


def test_stepping_past_either_end_of_the_archive_lands_on_the_calendar(client, edition):
    response = client.get(edition_path("2024-08-02", "previous-edition"), follow=True)
    assert response.redirect_chain[-1][0] == archive_path(2024, 8) + "?edge=previous"
    assert "没有更早的报纸" in soup_of(response).select_one(".notice").get_text()
    response = client.get(edition_path("2024-08-02", "next-edition"), follow=True)
    assert "尚无更新的一期" in soup_of(response).select_one(".notice").get_text()


# --- article ----------------------------------------------------------------------


def test_article_shows_kicker_title_subtitle_byline_and_subheads(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    head = soup.select_one(".article-head")
    assert head.select_one(".kicker").get_text() == "专题协商会侧记"
    assert soup.h1.get_text() == "助力推动政策从“纸上”落到“地上”"
    assert head.select_one(".subtitle").get_text() == "——自治区政协专题协商会侧记"
    assert head.select_one(".byline").get_text() == "本报记者 张三 李四"
    assert texts(soup.select(".article-body h2")) == ["深调研，报告见真章", "真协商"]


def test_article_shows_the_whole_story_stitched_across_its_pages(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    paragraphs = texts(soup.select(".article-body p"))
    assert paragraphs == [
        "第一段，在第2版。",
        "第二段，仍在第2版。",
        "第三段，接续于第4版。",
        "第四段，全文结束。",
    ]


def test_the_jump_is_visible_and_linked_where_the_printed_page_breaks(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    jump = soup.select_one(".article-body .jump")
    assert jump["id"] == "page-4"
    assert jump.find_previous_sibling("p").get_text() == "第二段，仍在第2版。"
    assert jump.find_next_sibling("p").get_text() == "第三段，接续于第4版。"
    assert jump.select_one(".jump-out").get_text(strip=True) == "■下转第4版"
    # on into the story where it continues, with page 4 itself beside
    assert jump.select_one(".jump-out")["href"] == "#page-4"
    assert jump.select_one(".jump-page")["href"] == page_path(4)
    assert jump.select_one(".jump-in").get_text(strip=True) == "■上接第2版"
    assert jump.select_one(".jump-in")["href"] == page_path(2)


def test_article_names_the_pages_it_is_printed_on(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    assert [a["href"] for a in soup.select(".printed-on a")] == [page_path(2), page_path(4)]


def test_article_steps_to_the_neighbours_in_edition_order_across_pages(client, edition):
    soup = soup_of(client.get(article_path(2, 1)))
    assert soup.select_one(".article-steps a[rel=prev]")["href"] == article_path(1, 3)
    assert soup.select_one(".article-steps a[rel=next]")["href"] == article_path(2, 2)
    soup = soup_of(client.get(article_path(2, 3)))
    assert soup.select_one(".article-steps a[rel=next]")["href"] == article_path(3, 1)


def test_article_steps_skip_pages_without_articles(client):
    edition = EditionFactory(date=DAY)
    PageFactory(edition=edition, number=1)
    empty = PageFactory(edition=edition, number=2)
    PageFactory(edition=edition, number=3)
    ArticleFactory(page=edition.pages.get(number=1), position=1)
    ArticleFactory(page=edition.pages.get(number=3), position=1)
    assert not empty.articles.exists()
    soup = soup_of(client.get(article_path(1, 1)))
    assert soup.select_one(".article-steps a[rel=next]")["href"] == article_path(3, 1)


def test_first_and_last_articles_of_the_edition_have_one_neighbour(client, edition):
    first = soup_of(client.get(article_path(1, 1)))
    last = soup_of(client.get(article_path(4, 3)))
    assert first.select_one(".article-steps a[rel=prev]") is None
    assert "已是本期第一篇" in first.select_one(".article-steps").get_text()
    assert last.select_one(".article-steps a[rel=next]") is None


def test_article_lists_the_pages_and_the_current_pages_headlines(client, edition):
    soup = soup_of(client.get(article_path(3, 2)))
    assert len(soup.select(".page-list a")) == 4
    assert soup.select_one(".page-list a[aria-current=page]")["href"] == page_path(3)
    current = soup.select(".headlines-compact a")
    assert [a["href"] for a in current] == [article_path(3, p) for p in (1, 2, 3)]
    assert soup.select_one(".headlines-compact a[aria-current=page]")["href"] == article_path(3, 2)


def test_article_without_its_text_yet_points_to_its_page(client):
    edition = EditionFactory(date=DAY)
    ArticleFactory(page=PageFactory(edition=edition, number=1), position=1, body="")
    soup = soup_of(client.get(article_path(1, 1)))
    notice = soup.select_one(".no-body")
    assert "本文全文暂未收录" in notice.get_text()
    assert notice.a["href"] == page_path(1)


def test_font_controls_are_rendered_hidden_for_the_script_to_reveal(client, edition):
    soup = soup_of(client.get(article_path(1, 1)))
    controls = soup.select_one("[data-font-controls]")
    assert controls.has_attr("hidden")
    assert texts(controls.select("button")) == ["放大", "缩小", "默认"]
    assert controls.select_one("[aria-live=polite]") is not None


# --- headline index ---------------------------------------------------------------


def headlines_url(date=DAY):
    return headlines_path(date)


def test_headline_index_groups_every_headline_by_page(client, edition):
    soup = soup_of(client.get(headlines_url()))
    groups = soup.select(".index-page")
    assert texts(g.h2 for g in groups) == [
        "第01版：要闻1",
        "第02版：要闻2",
        "第03版：要闻3",
        "第04版：要闻4",
    ]
    assert texts(groups[1].select(".headline-title")) == ["第2版第1篇", "第2版第2篇", "第2版第3篇"]
    assert soup.h1.get_text(" ", strip=True).startswith("标题导航")


def test_headline_index_filters_by_section(client, jumping_edition):
    soup = soup_of(client.get(headlines_url(), {"section": "li-lun-te-kan"}))
    assert texts(g.h2 for g in soup.select(".index-page")) == ["第03版：理论特刊 ④"]
    assert soup.select_one(".section-filter a[aria-current]").get_text() == "理论特刊"


def test_headline_index_with_an_unknown_section_says_so(client, jumping_edition):
    soup = soup_of(client.get(headlines_url(), {"section": "no-such-section"}))
    assert "本期没有这个栏目" in soup.select_one(".notice").get_text()
    assert soup.select(".index-page li a") == []


def test_headline_index_offers_the_editions_sections(client, jumping_edition):
    soup = soup_of(client.get(headlines_url()))
    assert texts(soup.select(".section-filter a")) == ["全部栏目", "要闻", "理论特刊"]
    assert soup.select_one(".notice") is None


# --- past editions ------------------------------------------------------------------


def archive_url(year=2024, month=8):
    return archive_path(year, month)


def test_archive_month_is_a_table_with_weekday_headers(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 1))
    soup = soup_of(client.get(archive_url()))
    headers = soup.select("table thead th")
    assert [th["scope"] for th in headers] == ["col"] * 7
    assert headers[0].select_one(".visually-hidden").get_text() == "星期一"
    assert soup.select_one("#calendar-title").get_text() == "2024年8月"
    assert soup.table.caption.get_text() == "2024年8月：共1期"


def test_archive_links_only_the_days_with_a_published_edition(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 1))
    make_edition(date=datetime.date(2024, 8, 2))
    make_edition(date=datetime.date(2024, 8, 3), published=False)
    soup = soup_of(client.get(archive_url()))
    assert [a["href"] for a in soup.select("table a")] == [
        edition_path("2024-08-01"),
        edition_path("2024-08-02"),
    ]
    assert soup.select_one("table a")["aria-label"] == "2024年8月1日 星期四"
    assert len(soup.select("td.no-edition")) == 29


def test_archive_steps_to_the_nearest_months_with_editions(client, make_edition):
    make_edition(date=datetime.date(2024, 5, 20))
    make_edition(date=datetime.date(2024, 8, 2))
    make_edition(date=datetime.date(2025, 1, 3))
    soup = soup_of(client.get(archive_url()))
    assert soup.select_one("a[rel=prev]")["href"] == archive_path(2024, 5)
    assert soup.select_one("a[rel=next]")["href"] == archive_path(2025, 1)


def test_archive_opens_on_the_month_of_the_latest_edition(client, make_edition):
    make_edition(date=datetime.date(2024, 7, 30))
    soup = soup_of(client.get(archive_path()))
    assert soup.select_one("#calendar-title").get_text() == "2024年7月"
    assert soup.find("link", rel="canonical")["href"].endswith(archive_path(2024, 7))


def test_archive_of_an_empty_month_is_an_empty_calendar(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    soup = soup_of(client.get(archive_url(2023, 2)))
    assert soup.select("table a") == []
    assert soup.select_one("a[rel=next]")["href"] == archive_path(2024, 8)


def test_jumping_to_a_date_with_an_edition_opens_it(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    response = client.get(archive_path(), {"date": "2024-08-02"})
    assert response.status_code == 302
    assert response["Location"] == edition_path("2024-08-02")


def test_jumping_to_a_date_without_an_edition_shows_its_month(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    soup = soup_of(client.get(archive_path(), {"date": "2024-08-09"}))
    assert "2024年8月9日 星期五没有出版报纸" in soup.select_one(".notice").get_text()
    assert soup.select_one("#calendar-title").get_text() == "2024年8月"


def test_jumping_to_a_date_that_does_not_exist_explains_the_format(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    soup = soup_of(client.get(archive_path(), {"date": "2024-02-30"}))
    assert "不是有效日期" in soup.select_one(".notice").get_text()


@pytest.mark.parametrize("asked", ["0999-01-01", "9999-12-31"])
def test_jumping_to_a_date_outside_the_archive_says_so_on_the_latest_month(
    client, make_edition, asked
):
    make_edition(date=datetime.date(2024, 8, 2))
    response = client.get(archive_path(), {"date": asked})
    assert response.status_code == 200
    soup = soup_of(response)
    assert "没有出版报纸" in soup.select_one(".notice").get_text()
    assert soup.select_one("#calendar-title").get_text() == "2024年8月"


def test_jumping_to_an_unpublished_edition_does_not_reveal_it(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 3), published=False)
    response = client.get(archive_path(), {"date": "2024-08-03"})
    assert response.status_code == 200
    assert "没有出版报纸" in response.content.decode()


@pytest.mark.parametrize("month", ["2024/13", "2024/00", "0999/01"])
def test_archive_of_an_impossible_month_is_404(client, month):
    assert client.get(f"{archive_path()}{month}/").status_code == 404


# --- search ---------------------------------------------------------------------------


def test_search_finds_published_articles_by_their_text(client, jumping_edition):
    make_hidden = build_edition(date=datetime.date(2024, 8, 9), pages=1, published=False)
    Article.objects.filter(page__edition=make_hidden).update(body="第三段也在这里")
    soup = soup_of(client.get(search_path(), {"q": "第三段"}))
    hits = soup.select(".search-hits li")
    assert len(hits) == 1
    assert hits[0].a["href"] == article_path(2, 1)
    assert hits[0].mark.get_text() == "第三段"


def test_search_without_words_lists_nothing(client, edition):
    soup = soup_of(client.get(search_path()))
    assert soup.select(".search-hits") == []


# --- not found and unpublished ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        edition_path("2024-08-09"),  # no edition that day
        edition_path("2024-02-30"),  # no such date
        page_path(1, "2024-13-01"),
        page_path(9, "2024-08-02"),  # no such page
        article_path(2, 9, "2024-08-02"),  # no such article
        article_path(9, 1, "2024-08-02"),
        headlines_path("2024-08-09"),
        paper_path() + "2024-8-2/",
        edition_path("2024-02-30", "previous-edition"),
    ],
)
def test_unknown_addresses_are_404_in_the_sites_style(client, edition, path, settings):
    response = client.get(path)
    assert response.status_code == 404
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.h1.get_text() == "页面未找到"
    assert soup.select_one(".masthead-name").get_text(strip=True) == settings.NEWSPAPER_GROUP_NAME


@pytest.mark.parametrize(
    "path",
    [
        edition_path("2024-08-02"),
        page_path(1, "2024-08-02"),
        article_path(1, 1, "2024-08-02"),
        headlines_path("2024-08-02"),
    ],
)
def test_unpublished_editions_are_404_for_readers(client, reader_client, make_edition, path):
    make_edition(published=False)
    assert client.get(path).status_code == 404
    assert reader_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        edition_path("2024-08-02"),
        page_path(1, "2024-08-02"),
        article_path(1, 1, "2024-08-02"),
        headlines_path("2024-08-02"),
    ],
)
def test_staff_preview_unpublished_editions_marked_and_never_cached(
    staff_client, make_edition, path
):
    make_edition(published=False)
    response = staff_client.get(path)
    soup = soup_of(response)
    assert "本期尚未发布" in soup.select_one(".preview-banner").get_text()
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_staff_see_published_editions_without_a_preview_banner(staff_client, edition):
    soup = soup_of(staff_client.get(page_path(1)))
    assert soup.select_one(".preview-banner") is None


# --- safety and structure -----------------------------------------------------------------


HOSTILE_PAGES = [
    page_path(1, "2024-08-03"),
    article_path(1, 1, "2024-08-03"),
    headlines_path("2024-08-03"),
    search_path() + "?q=alert",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_markup_in_article_text_is_escaped(client, hostile_edition, path):
    html = client.get(path).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html or "\\u003Cscript\\u003E" in html


def test_structured_data_cannot_be_broken_out_of(client, hostile_edition):
    soup = soup_of(client.get(article_path(1, 1, "2024-08-03")))
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["headline"] == f"标题{HOSTILE}"
    assert "</script" not in scripts[0].string


ALL_VIEWS = [
    "/",
    edition_path("2024-08-02"),
    page_path(2, "2024-08-02"),
    article_path(2, 1, "2024-08-02"),
    headlines_path("2024-08-02"),
    archive_path(),
    archive_path(2024, 8),
    search_path() + "?q=第",
    edition_path("2024-08-09"),
]


@pytest.mark.parametrize("path", ALL_VIEWS)
def test_every_view_has_exactly_one_h1_a_title_and_landmarks(client, jumping_edition, path):
    response = client.get(path)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert len(soup.find_all("h1")) == 1
    assert soup.title.get_text(strip=True)
    assert soup.find("main", id="content") is not None
    assert soup.find("header", class_="masthead") is not None
    assert soup.find("footer") is not None
    assert soup.select_one("a.skip-link")["href"] == "#content"
    assert soup.html["lang"] == "zh-hans"


def test_article_has_description_canonical_and_open_graph(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.find_all("meta")[2:]}
    assert meta["description"] == "第一段，在第2版。"
    assert meta["og:type"] == "article"
    assert meta["og:title"].startswith("助力推动政策从“纸上”落到“地上” · 第02版：要闻2 · 临江日报")
    assert meta["og:url"] == "http://testserver" + article_path(2, 1)
    assert meta["og:site_name"] == "临江日报"
    assert meta["og:locale"] == "zh_CN"
    assert meta["article:published_time"] == "2024-08-02"
    assert soup.find("link", rel="canonical")["href"] == "http://testserver" + article_path(2, 1)
    assert soup.title.get_text().startswith("助力推动政策从“纸上”落到“地上”")


def test_article_has_news_article_structured_data_with_its_print_placement(client, jumping_edition):
    soup = soup_of(client.get(article_path(2, 1)))
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "助力推动政策从“纸上”落到“地上”"
    assert data["alternativeHeadline"] == "自治区政协专题协商会侧记"
    assert data["datePublished"] == "2024-08-02"
    assert data["printEdition"] == "临江日报 2024年8月2日 星期五"
    assert data["printSection"] == "要闻"
    assert data["printPage"] == "02, 04"
    assert data["publisher"]["name"] == "临江报业"


def test_pages_of_other_kinds_have_no_article_structured_data(client, edition):
    soup = soup_of(client.get(page_path(1)))
    assert soup.find("script", type="application/ld+json") is None
    assert soup.find("meta", property="og:type")["content"] == "website"


def test_the_masthead_is_the_papers_name(client, edition):
    edition.paper.name = "澄江晚报"
    edition.paper.save()
    soup = soup_of(client.get(page_path(1)))
    assert soup.select_one(".masthead-name").get_text(strip=True) == "澄江晚报"


def test_renaming_a_paper_renews_its_cached_pages(client, edition):
    assert "临江日报" in client.get(page_path(1)).content.decode()
    edition.paper.name = "澄江晚报"
    edition.paper.save()
    assert "澄江晚报" in client.get(page_path(1)).content.decode()


def test_the_unpublished_edition_stays_out_of_neighbour_links(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    make_edition(date=datetime.date(2024, 8, 3), published=False)
    soup = soup_of(client.get(page_path(1)))
    assert edition_path("2024-08-03") not in [a["href"] for a in soup.find_all("a")]
    assert Edition.objects.count() == 2
