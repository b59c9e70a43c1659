"""Readers with several papers: the titles' front page, per-paper URLs, old links, scoping."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission

from editions.models import Article, Edition
from tests.factories import PaperFactory, build_edition, default_paper
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


@pytest.fixture
def evening(db):
    return PaperFactory(code="ljwb", name="临江晚报", subtitle="夜读临江", position=2)


@pytest.fixture
def two_papers(evening):
    """Both papers print an edition on DAY; the daily also one the day before."""
    build_edition(date=DAY - datetime.timedelta(days=1), pages=2, articles_per_page=2)
    morning = build_edition(date=DAY, pages=3, articles_per_page=3)
    night = build_edition(date=DAY, pages=2, articles_per_page=2, paper=evening)
    Article.objects.filter(page__edition=night).update(title="晚报" + "标题")
    for position, article in enumerate(
        Article.objects.filter(page__edition=night).order_by("page__number", "position"), 1
    ):
        article.title = f"晚报第{position}条"
        article.save()
    return morning, night


# --- the front door ------------------------------------------------------------------


def test_with_one_paper_the_front_door_opens_its_latest_edition(client, edition):
    soup = soup_of(client.get("/"))
    assert soup.select_one(".masthead-name").get_text(strip=True) == "临江日报"
    assert soup.h1.get_text(strip=True) == "第01版：要闻1"
    assert soup.find("link", rel="canonical")["href"].endswith(page_path(1))


def test_with_several_papers_the_front_door_shows_every_title(client, two_papers):
    soup = soup_of(client.get("/"))
    cards = soup.select(".title-card")
    assert [card.h2.get_text(strip=True) for card in cards] == ["临江日报", "临江晚报"]
    assert cards[1].select_one(".title-subtitle").get_text() == "夜读临江"
    assert "2024年8月2日" in cards[0].select_one(".title-edition").get_text()
    assert [a.get_text() for a in cards[0].select(".title-headlines a")] == [
        "第1版第1篇",
        "第1版第2篇",
        "第1版第3篇",
    ]
    assert [a.get_text() for a in cards[1].select(".title-headlines a")] == [
        "晚报第1条",
        "晚报第2条",
    ]
    assert cards[1].select_one(".title-headlines a")["href"] == article_path(1, 1, paper="ljwb")
    assert cards[1].find("a", string="往期阅读")["href"] == archive_path(paper="ljwb")


def test_a_paper_without_editions_is_listed_as_waiting(client, two_papers):
    PaperFactory(code="ljzk", name="临江周刊", position=3)
    card = soup_of(client.get("/")).select(".title-card")[2]
    assert "尚未出版" in card.get_text() or "No edition" in card.get_text()
    assert soup_of(client.get(paper_path("ljzk"))).h1.get_text() == "临江周刊"


def test_a_hidden_paper_is_not_shown_to_readers(client, two_papers, evening):
    evening.is_listed = False
    evening.save()
    # One listed paper left: the front door opens it.
    assert soup_of(client.get("/")).select_one(".masthead-name").get_text(strip=True) == "临江日报"
    for path in (paper_path("ljwb"), edition_path(DAY, paper="ljwb"), archive_path(paper="ljwb")):
        assert client.get(path).status_code == 404, path
    hits = soup_of(client.get(search_path(), {"q": "晚报"})).select(".search-hits li")
    assert hits == []


def test_an_unknown_paper_is_404(client, two_papers):
    assert client.get(paper_path("nosuch")).status_code == 404
    assert client.get(edition_path(DAY, paper="nosuch")).status_code == 404


# --- per paper -----------------------------------------------------------------------


def test_each_paper_shows_its_own_edition_of_the_same_date(client, two_papers):
    day = soup_of(client.get(page_path(1)))
    night = soup_of(client.get(page_path(1, paper="ljwb")))
    assert day.select_one(".masthead-name").get_text(strip=True) == "临江日报"
    assert night.select_one(".masthead-name").get_text(strip=True) == "临江晚报"
    assert "晚报第1条" in night.get_text()
    assert "晚报第1条" not in day.get_text()
    assert night.select_one('.site-nav a[href="/"]').get_text() == "所有报纸"


def test_stepping_between_editions_stays_in_the_paper(client, two_papers):
    previous = client.get(edition_path(DAY, "previous-edition", paper="ljwb"))
    assert previous["Location"].startswith(archive_path(2024, 8, paper="ljwb"))
    assert client.get(edition_path(DAY, "previous-edition"))["Location"] == edition_path(
        DAY - datetime.timedelta(days=1)
    )


def test_the_calendar_lists_the_papers_own_editions(client, two_papers):
    soup = soup_of(client.get(archive_path(2024, 8, paper="ljwb")))
    assert [a["href"] for a in soup.select("table a")] == [edition_path(DAY, paper="ljwb")]
    assert soup.h1.get_text() == "往期阅读"
    assert soup.select_one(".masthead-name").get_text(strip=True) == "临江晚报"


def test_search_within_a_paper_and_across_all(client, two_papers):
    def titles(path, q, **params):
        soup = soup_of(client.get(path, {"q": q, **params}))
        return {a.get_text() for a in soup.select(".search-hits .headline-title")}

    # Both papers' page 2, article 1 say so in their first paragraph.
    everywhere = titles(search_path(), "第2版第1篇")
    assert everywhere == {"第2版第1篇", "晚报第3条"}
    assert titles(search_path("ljwb"), "第2版第1篇") == {"晚报第3条"}
    assert titles(search_path("ljrb"), "第2版第1篇") == {"第2版第1篇"}
    assert titles(search_path(), "第2版第1篇", paper="ljwb") == {"晚报第3条"}
    # An unknown ?paper= searches everywhere instead of failing.
    assert titles(search_path(), "第2版第1篇", paper="nosuch") == everywhere


def test_the_global_search_names_each_hits_paper(client, two_papers):
    soup = soup_of(client.get(search_path(), {"q": "晚报第1条"}))
    assert "临江晚报" in soup.select_one(".hit-where").get_text()
    assert soup.select_one("select#search-paper")


def test_an_extra_edition_has_its_own_address(client, two_papers):
    build_edition(date=DAY, pages=1, articles_per_page=1, code="haowai", name="号外")
    soup = soup_of(client.get(edition_path(DAY, code="haowai")))
    assert "号外" in soup.select_one(".masthead-date").get_text()
    assert soup.find("link", rel="canonical")["href"].endswith("/ljrb/2024-08-02-haowai/page/1/")
    # The day's regular edition is still the one at the date alone.
    assert "号外" not in soup_of(client.get(edition_path(DAY))).select_one(".masthead").get_text()


# --- links of the single-paper releases -------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2024-08-02/", lambda: edition_path(DAY)),
        ("/2024-08-02/page/2/", lambda: page_path(2)),
        ("/2024-08-02/page/2/3/", lambda: article_path(2, 3)),
        ("/2024-08-02/headlines/?section=yao-wen", lambda: headlines_path() + "?section=yao-wen"),
        ("/2024-08-02/next/", lambda: edition_path(DAY, "next-edition")),
        ("/archive/", lambda: archive_path()),
        ("/archive/2024/08/", lambda: archive_path(2024, 8)),
    ],
)
def test_old_links_redirect_for_good_to_the_first_paper(client, two_papers, old, new):
    # Literal paths on purpose: these are the addresses readers shared before papers.
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new()


# --- caching keeps papers apart ---------------------------------------------------------


def test_the_same_page_of_two_papers_has_different_validators(client, two_papers):
    day = client.get(page_path(1))
    night = client.get(page_path(1, paper="ljwb"))
    assert day["ETag"] != night["ETag"]
    again = client.get(page_path(1, paper="ljwb"), headers={"if-none-match": day["ETag"]})
    assert again.status_code == 200
    assert "晚报第1条" in again.content.decode()


# --- previews need a permission, and the paper --------------------------------------------


@pytest.fixture
def unpublished_night(two_papers):
    _morning, night = two_papers
    Edition.objects.filter(pk=night.pk).update(is_published=False)
    return night


def login_staff(client, django_user_model, *, preview: bool, papers=()):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    if preview:
        user.user_permissions.add(Permission.objects.get(codename="preview_edition"))
    for paper in papers:
        paper.editors.add(user)
    client.force_login(user)


def test_staff_without_the_preview_permission_see_what_readers_see(
    client, django_user_model, unpublished_night, evening
):
    login_staff(client, django_user_model, preview=False, papers=[evening])
    assert client.get(page_path(1, paper="ljwb")).status_code == 404


def test_the_preview_shows_only_the_papers_one_works_on(
    client, django_user_model, unpublished_night, evening
):
    login_staff(client, django_user_model, preview=True, papers=[default_paper()])
    assert client.get(page_path(1, paper="ljwb")).status_code == 404
    evening.editors.add(client.session["_auth_user_id"])
    response = client.get(page_path(1, paper="ljwb"))
    assert response.status_code == 200
    assert "预览" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
