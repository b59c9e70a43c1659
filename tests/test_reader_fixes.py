"""The fixes from the accessibility and reading review, through the test client.

上一期/下一期 at the ends of the archive, punctuation folded by NFKC shown as
printed, controls that have nothing to act on left out, the calendar's today,
the masthead's search landmark named, share and print on an article.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.utils import timezone

from editions.models import Article
from editions.templatetags.reader import cjk
from tests.factories import ArticleFactory, EditionFactory, PageFactory, build_edition
from tests.paths import archive_path, article_path, edition_path, page_path, paper_path

DAY = datetime.date(2024, 8, 2)
BEFORE = DAY - datetime.timedelta(days=1)
AFTER = DAY + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def edition_steps(soup):
    """The 上一期 and 下一期 items: (text, href or None when shown as unavailable)."""
    items = soup.select(".edition-steps li")[:2]
    return [
        (" ".join(li.get_text(" ", strip=True).split()), li.a["href"] if li.a else None)
        for li in items
    ]


# --- 上一期/下一期 at the ends of the archive ------------------------------------------


def test_the_only_edition_shows_both_edition_steps_as_unavailable(client, make_edition):
    make_edition(date=DAY)
    steps = edition_steps(soup_of(client.get(page_path(1))))
    assert steps == [("‹ 上一期", None), ("下一期 ›", None)]
    assert soup_of(client.get(page_path(1))).select(".edition-steps .step-off")


def test_the_newest_edition_links_back_but_not_on(client, make_edition):
    make_edition(date=BEFORE)
    make_edition(date=DAY)
    for path in (paper_path(), page_path(2), article_path(1, 1)):
        steps = edition_steps(soup_of(client.get(path)))
        assert steps == [("‹ 上一期", edition_path(DAY, "previous-edition")), ("下一期 ›", None)]


def test_the_oldest_edition_links_on_but_not_back(client, make_edition):
    make_edition(date=DAY)
    make_edition(date=AFTER)
    steps = edition_steps(soup_of(client.get(page_path(1, DAY))))
    assert steps == [("‹ 上一期", None), ("下一期 ›", edition_path(DAY, "next-edition"))]


def test_an_unpublished_neighbour_does_not_count(client, make_edition):
    make_edition(date=DAY)
    make_edition(date=AFTER, published=False)
    assert edition_steps(soup_of(client.get(page_path(1))))[1] == ("下一期 ›", None)


def test_another_edition_of_the_same_day_is_a_neighbour(client, make_edition):
    make_edition(date=DAY)
    build_edition(date=DAY, pages=1, code="haowai", name="号外")
    steps = edition_steps(soup_of(client.get(page_path(1))))
    assert steps[1] == ("下一期 ›", edition_path(DAY, "next-edition"))


def test_publishing_the_next_edition_renews_the_cached_newest_one(client, make_edition):
    make_edition(date=DAY)
    later = make_edition(date=AFTER, published=False)
    first = client.get(page_path(1))
    assert edition_steps(soup_of(first))[1][1] is None
    later.is_published = True
    later.save()  # the earlier edition's own timestamp does not move
    again = client.get(page_path(1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert edition_steps(soup_of(again))[1][1] == edition_path(DAY, "next-edition")


# --- punctuation as printed --------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("近年来,临江市以党建引领", "近年来，临江市以党建引领"),
        ("人在格中走;事在网中办", "人在格中走；事在网中办"),
        ("本版责编:林晓川", "本版责编：林晓川"),
        ("实践表明, 网格划得越细", "实践表明，网格划得越细"),
        ("“拼盘”,而是", "“拼盘”，而是"),
        ("这是《规划》:一", "这是《规划》：一"),
    ],
)
def test_ascii_marks_between_chinese_characters_show_full_width(stored, shown):
    assert cjk(stored) == shown


@pytest.mark.parametrize(
    "text",
    ["10:30开会", "GDP,增长", "3,5万", "见 a:b", "临江, Linjiang", "", "Hello, world: yes; no"],
)
def test_marks_beside_latin_letters_or_digits_stay_as_written(text):
    assert cjk(text) == text


def test_the_filter_keeps_escaping():
    rendered = Template("{% load reader %}{{ text|cjk }}").render(
        Context({"text": "<b>临江,澄江</b>"})
    )
    assert rendered == "&lt;b&gt;临江，澄江&lt;/b&gt;"


def test_the_article_shows_full_width_marks_and_keeps_the_stored_text(client):
    page = PageFactory(edition=EditionFactory(date=DAY), number=1)
    stored = {"title": "城市治理:绣花功夫", "body": "城市越大,治理越精细;人在格中走。"}
    ArticleFactory(page=page, position=1, **stored)
    soup = soup_of(client.get(article_path(1, 1)))
    assert soup.h1.get_text() == "城市治理：绣花功夫"
    assert soup.select_one(".article-body p").get_text() == "城市越大，治理越精细；人在格中走。"
    assert soup.select_one(".headlines .headline-title").get_text() == "城市治理：绣花功夫"
    assert Article.objects.values("title", "body").get() == stored


# --- controls that act on something ---------------------------------------------------------


def test_a_headline_only_article_has_no_text_size_controls(client):
    page = PageFactory(edition=EditionFactory(date=DAY), number=1)
    ArticleFactory(page=page, position=1, body="")
    soup = soup_of(client.get(article_path(1, 1)))
    assert soup.select_one(".no-body") is not None
    assert soup.select_one("[data-font-controls]") is None


def test_an_article_with_text_has_the_controls_and_share_and_print(client, edition):
    soup = soup_of(client.get(article_path(1, 1)))
    assert soup.select_one("[data-font-controls]") is not None
    actions = soup.select_one("[data-article-actions]")
    assert actions.has_attr("hidden")  # revealed by the script, which they need
    assert [b["data-action"] for b in actions.select("button")] == ["share", "copy", "print"]
    assert [b.get_text() for b in actions.select("button")] == ["分享", "复制链接", "打印"]
    assert actions.select_one("[aria-live=polite]") is not None


def test_the_masthead_search_is_a_named_landmark(client, edition):
    soup = soup_of(client.get(page_path(1)))
    form = soup.select_one(".masthead form[role=search]")
    assert form["aria-label"] == "站内搜索"


# --- the calendar -------------------------------------------------------------------------


def test_the_calendar_marks_today_and_names_it(client, make_edition):
    today = timezone.localdate()
    make_edition(date=today)
    soup = soup_of(client.get(archive_path(today.year, today.month)))
    cells = soup.select("td.today")
    assert len(cells) == 1
    link = cells[0].a
    assert link["aria-current"] == "date"
    assert link["data-day"] == str(today.day)
    assert "今天" in link["aria-label"]


def test_the_calendars_days_carry_their_number_for_the_arrow_keys(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 1))
    make_edition(date=datetime.date(2024, 8, 2))
    soup = soup_of(client.get(archive_path(2024, 8)))
    assert soup.select_one("table[data-calendar]") is not None
    assert [a["data-day"] for a in soup.select("table a[data-day]")] == ["1", "2"]
    assert soup.select("[aria-current=date]") == []  # not this month
