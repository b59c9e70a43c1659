"""The search page: results, filters and facets in the URL, highlighting, paging, bad
input, accessibility landmarks and pinned query counts."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from editions.models import Article, Paper
from tests.factories import HOSTILE, ArticleFactory, PageFactory, SectionFactory, build_edition
from tests.paths import search_path


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def titles(client, path=None, **params) -> list[str]:
    soup = soup_of(client.get(path or search_path(), params))
    return [a.get_text() for a in soup.select(".search-hits .headline-title")]


@pytest.fixture
def archive(db):
    """Three years of a small paper, the front page of each in the 要闻 section."""
    economy = SectionFactory(name="经济", slug="jing-ji")
    for year in (2022, 2023, 2024):
        edition = build_edition(date=datetime.date(year, 3, 1), pages=2, articles_per_page=2)
        page = edition.pages.get(number=2)
        page.section = economy
        page.save()
    return Article.objects.all()


def test_the_page_lists_the_hits_with_the_words_marked(client, archive):
    soup = soup_of(client.get(search_path(), {"q": "第一段"}))
    hits = soup.select(".search-hits li")
    assert len(hits) == 12
    assert all(hit.select_one(".hit-text mark").get_text() == "第一段" for hit in hits)
    assert soup.select_one("#search-count").get_text() == "找到 12 篇文章。"


def test_every_word_is_marked_in_title_and_snippet(client, db):
    ArticleFactory(title="春耕备耕两不误", body="今年春耕，农机先行；备耕物资充足。")
    soup = soup_of(client.get(search_path(), {"q": "春耕 备耕"}))
    hit = soup.select_one(".search-hits li")
    assert [m.get_text() for m in hit.select(".headline-title mark")] == ["春耕", "备耕"]
    assert [m.get_text() for m in hit.select(".hit-text mark")] == ["春耕", "备耕"]


def test_a_traditional_query_marks_the_simplified_text(client, db):
    ArticleFactory(title="国家发展", body="")
    soup = soup_of(client.get(search_path(), {"q": "國家"}))
    assert soup.select_one(".headline-title mark").get_text() == "国家"


def test_markup_in_the_text_is_escaped_around_the_marks(client, db):
    ArticleFactory(title=f"标题{HOSTILE}", kicker=HOSTILE, body=f"正文{HOSTILE}alert")
    html = client.get(search_path(), {"q": "alert"}).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;<mark>alert</mark>" in html


def test_unpublished_editions_never_appear(client, db):
    build_edition(date=datetime.date(2024, 8, 9), pages=1, published=False)
    assert titles(client, q="第一段") == []


def test_newest_and_oldest_first(client, archive):
    newest = titles(client, q="第1版第1篇", order="newest")
    oldest = titles(client, q="第1版第1篇", order="oldest")
    assert len(newest) == 3
    assert newest == oldest[::-1]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"year": "2023"}, 4),
        ({"start": "2023-01-01", "end": "2024-12-31"}, 8),
        ({"start": "2024-01-01"}, 4),
        ({"section": "jing-ji"}, 6),
        ({"page": "1"}, 6),
        ({"page": "1", "year": "2024"}, 2),
        ({"section": "jing-ji", "year": "2022"}, 2),
        ({"section": "no-such"}, 0),
    ],
)
def test_every_filter_narrows_the_results(client, archive, params, count):
    assert len(titles(client, q="第一段", **params)) == count


def test_facets_count_years_and_sections_and_link_to_them(client, archive):
    soup = soup_of(client.get(search_path(), {"q": "第一段"}))
    years = [
        (a.get_text(), a.find_next("span").get_text()) for a in soup.select("#facet-years + ul a")
    ]
    assert years == [("2024", "4"), ("2023", "4"), ("2022", "4")]
    sections = {a.get_text(): a["href"] for a in soup.select("#facet-sections + ul a")}
    assert set(sections) == {"要闻", "经济"}
    assert "section=jing-ji" in sections["经济"]
    assert "q=" in sections["经济"]
    assert len(titles(client, search_path() + sections["经济"])) == 6


def test_the_paper_filter_and_the_papers_own_search(client, archive):
    evening = Paper.objects.create(code="ljwb", name="临江晚报")
    build_edition(date=datetime.date(2024, 3, 1), pages=1, articles_per_page=1, paper=evening)
    assert len(titles(client, q="第1版第1篇")) == 4
    assert len(titles(client, q="第1版第1篇", paper="ljwb")) == 1
    assert len(titles(client, search_path("ljwb"), q="第1版第1篇")) == 1
    assert len(titles(client, search_path("ljwb"), q="第1版第1篇", paper="ljrb")) == 1


def test_paging_follows_the_cursor_to_the_end(client, archive):
    seen, path = [], search_path() + "?q=第一段"
    for _ in range(10):
        soup = soup_of(client.get(path))
        seen += [a["href"] for a in soup.select(".search-hits .headline-title")]
        more = soup.select_one('.pager a[rel="next"]')
        if more is None:
            break
        path = search_path() + more["href"]
        assert "after=" in path
    assert len(seen) == len(set(seen)) == 12


@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "a\x00b",
        "国" * 10_000,
        "！？…",
        '"',
        '"未闭合',
        "-",
        "*",
        "NEAR(",
        "') OR 1=1 --",
        "%",
        "_",
        "\\",
        "{head}:",
        "\ufeff",
        "😀",
    ],
)
def test_bad_input_gives_a_page(client, archive, q):
    response = client.get(search_path(), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"start": "abc"},
        {"year": "99999"},
        {"year": "x"},
        {"after": "zz"},
        {"after": "-5"},
        {"page": "0"},
        {"order": "sideways"},
        {"paper": "nosuch"},
        {"section": "\x00"},
    ],
)
def test_bad_filters_give_a_page(client, archive, params):
    assert client.get(search_path(), {"q": "第一段", **params}).status_code == 200


def test_a_long_query_is_cut_with_a_notice(client, archive):
    soup = soup_of(client.get(search_path(), {"q": "第一段" + "字" * 300}))
    assert "100" in soup.select_one(".search-notice").get_text()


def test_only_punctuation_says_so(client, archive):
    soup = soup_of(client.get(search_path(), {"q": "！！"}))
    assert soup.select_one(".search-notice")
    assert soup.select(".search-hits") == []


def test_one_named_search_landmark_of_its_own(client, archive):
    soup = soup_of(client.get(search_path(), {"q": "第一段"}))
    mine = soup.select('main [role="search"]')
    assert len(mine) == 1
    assert mine[0]["aria-label"]
    assert soup.select_one('label[for="search-q"]')
    names = [f.get("aria-label") for f in soup.select('[role="search"]')]
    assert len(names) == len(set(names))  # distinct accessible names


@pytest.mark.parametrize("size", [1, 8], ids=["few articles", "many articles"])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "第一段"},
        {"q": "第一段 第二段", "year": "2024", "section": "yao-wen"},
        {"q": "第", "order": "newest", "page": "1"},
    ],
)
def test_query_count_is_pinned(client, django_assert_max_num_queries, db, size, params):
    for day in range(size):
        build_edition(date=datetime.date(2024, 1, 1 + day), pages=2, articles_per_page=3)
    SectionFactory(name="经济", slug="jing-ji")
    PageFactory(number=9)
    # The papers; the index's segments, the postings of each tier's tokens and the
    # maps; the checks of the candidates (each checked once, for the tiers and the
    # facets alike); the page's articles; the facets' section names. None grows with
    # the matches.
    with django_assert_max_num_queries(10):
        assert client.get(search_path(), params).status_code == 200
    with django_assert_max_num_queries(1):  # no words: the papers only
        assert client.get(search_path()).status_code == 200


def test_the_filters_are_open_only_when_one_is_used(client, archive):
    closed = soup_of(client.get(search_path(), {"q": "第一段"}))
    assert not closed.select_one("details.search-filters").has_attr("open")
    opened = soup_of(client.get(search_path(), {"q": "第一段", "year": "2024"}))
    assert opened.select_one("details.search-filters").has_attr("open")
