"""The JSON API's resources: what each says, and that only published content appears."""

from __future__ import annotations

import datetime
import json

import pytest

from editions.models import Article, Edition
from tests.api_data import (
    DAY,
    SECRET,
    api_path,
    article_api,
    edition_api,
    hidden_content,
    page_api,
    published_edition,
    with_regions,
)
from tests.factories import SectionFactory, build_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = published_edition()
    hidden = hidden_content()
    with_regions(edition)
    page = edition.pages.get(number=3)
    page.section = SectionFactory(name="理论特刊", slug="li-lun-te-kan")
    page.save()
    story = Article.objects.get(page__edition=edition, page__number=2, position=1)
    story.kicker, story.byline = "引题", "本报记者 张三"
    story.body = "第一段。\n\n## 小标题\n\n第二段。\n\n--- 第4版 ---\n\n接续。"
    story.save()
    edition.hidden = hidden
    return edition


def get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_papers_lists_the_listed_papers_with_their_latest_edition(client, edition):
    data = get(client, api_path("papers"))
    assert [p["code"] for p in data["items"]] == ["ljrb"]
    paper = data["items"][0]
    assert paper["latest_edition"] == DAY.isoformat()  # not the unpublished 08-03
    assert paper["url"] == "http://testserver/ljrb/"
    assert paper["feeds"]["atom"] == "http://testserver/feeds/ljrb/atom/"


def test_a_paper_has_its_sections_with_their_feeds(client, edition):
    data = get(client, api_path("paper", paper="ljrb"))
    slugs = [s["slug"] for s in data["sections"]]
    assert "li-lun-te-kan" in slugs
    section = next(s for s in data["sections"] if s["slug"] == "li-lun-te-kan")
    assert section["feeds"]["rss"].endswith("/feeds/ljrb/sections/li-lun-te-kan/rss/")


def test_an_unlisted_paper_is_not_found(client, edition):
    response = client.get(api_path("paper", paper="neibu"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(api_path("paper-editions", paper="neibu")).status_code == 404


def test_editions_come_newest_first_filtered_by_dates(client, edition):
    for day in (1, 5, 9):
        build_edition(date=datetime.date(2024, 9, day), pages=1, articles_per_page=1)
    data = get(client, api_path("paper-editions", paper="ljrb"))
    assert [e["date"] for e in data["items"]] == [
        "2024-09-09",
        "2024-09-05",
        "2024-09-01",
        "2024-08-02",
    ]
    data = get(client, api_path("paper-editions", paper="ljrb"), **{"from": "2024-09-02"})
    assert [e["date"] for e in data["items"]] == ["2024-09-09", "2024-09-05"]
    data = get(client, api_path("paper-editions", paper="ljrb"), to="2024-09-05")
    assert [e["date"] for e in data["items"]] == ["2024-09-05", "2024-09-01", "2024-08-02"]


def test_editions_are_paged_by_cursor_to_the_end(client, edition):
    for day in range(1, 8):
        build_edition(date=datetime.date(2024, 9, day), pages=1, articles_per_page=1)
    seen, url, parts = [], api_path("paper-editions", paper="ljrb") + "?limit=3", 0
    while url:
        response = client.get(url)
        data = response.json()
        seen += [e["key"] for e in data["items"]]
        if data["next"]:
            assert response["Link"] == f'<{data["next"]}>; rel="next"'
        url, parts = data["next"], parts + 1
    published = Edition.objects.published().filter(paper__code="ljrb").order_by("-date")
    assert seen == [str(e.key) for e in published]
    assert parts == 3


def test_a_bad_cursor_is_a_400_problem(client, edition):
    response = client.get(api_path("paper-editions", paper="ljrb"), {"cursor": "not-ours!"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_cursor"
    assert body["status"] == 400


def test_an_edition_lists_its_pages_with_files(client, edition):
    data = get(client, edition_api())
    assert data["iiif_manifest"] == "http://testserver/api/iiif/ljrb/2024-08-02/manifest.json"
    assert [p["label"] for p in data["pages"]] == ["01", "02", "03", "04"]
    page = data["pages"][1]
    assert page["image"] == {
        "url": "http://testserver/media/pages/ljrb/2024-08-02/02-0a1b2c.jpg",
        "width": 2000,
        "height": 3000,
    }
    assert page["pdf"]["url"].endswith("/media/pages/ljrb/2024-08-02/02-0a1b2c.pdf")
    assert data["pages"][2]["section"]["name"] == "理论特刊"
    assert page["url"] == "http://testserver/ljrb/2024-08-02/page/2/"


def test_a_rendered_page_has_its_thumbnail(client, edition):
    from editions.models import Page

    Page.objects.filter(edition=edition, number=2).update(
        printed={"thumb": "printed/ljrb/2024-08-02/02-thumb-0a1b2c.webp"}
    )
    pages = get(client, edition_api())["pages"]
    assert pages[1]["thumbnail"].endswith("/media/printed/ljrb/2024-08-02/02-thumb-0a1b2c.webp")
    assert pages[0]["thumbnail"] is None


def test_a_page_has_its_headlines_in_order_and_regions_with_articles(client, edition):
    data = get(client, page_api(2))
    assert [h["position"] for h in data["headlines"]] == [1, 2, 3]
    first, second, foreign = data["regions"]
    assert first["shape"] == "rect"
    assert first["points"] == pytest.approx([0.05, 0.05, 0.45, 0.2])
    assert first["article"]["title"] == "第2版第1篇"
    assert second["article"]["position"] == 2
    # A region pointing at another edition's (unpublished) article shows no article.
    assert foreign["article"] is None
    assert SECRET not in json.dumps(data, ensure_ascii=False)


def test_a_page_lists_articles_continued_onto_it(client, edition):
    data = get(client, page_api(4))
    continued = [h for h in data["headlines"] if h["continued_from"] is not None]
    assert [(h["page"], h["position"], h["continued_from"]) for h in continued] == [(2, 1, 2)]


def test_an_article_has_its_blocks_pages_and_photos(client, edition):
    data = get(client, article_api(2, 1))
    assert data["kicker"] == "引题"
    assert data["byline"] == "本报记者 张三"
    assert [(b["kind"], b["page"]) for b in data["blocks"]] == [
        ("paragraph", 2),
        ("subhead", 2),
        ("paragraph", 2),
        ("paragraph", 4),
    ]
    assert [p["number"] for p in data["pages"]] == [2, 4]
    assert data["photos"] == [
        {
            "order": 1,
            "caption": "图为现场",
            "url": "http://testserver/media/photos/ljrb/2024-08-02/a.jpg",
        }
    ]
    assert data["url"] == "http://testserver/ljrb/2024-08-02/page/2/1/"
    assert data["updated"]


def test_search_finds_published_articles_only(client, edition):
    data = get(client, api_path("search"), q="第2版第1篇")
    assert [(h["paper"], h["page"], h["position"]) for h in data["items"]] == [("ljrb", 2, 1)]
    assert get(client, api_path("search"), q=SECRET)["items"] == []
    assert get(client, api_path("search"), q=SECRET, paper="neibu")["items"] == []


def test_search_is_paged_by_cursor(client, edition):
    seen, url = [], api_path("search") + "?q=篇&limit=5"
    while url:
        data = client.get(url).json()
        seen += [(h["date"], h["page"], h["position"]) for h in data["items"]]
        url = data["next"]
    assert len(seen) == len(set(seen)) == 12


@pytest.mark.parametrize(
    "path",
    [
        lambda: edition_api(datetime.date(2024, 8, 3)),
        lambda: page_api(1, datetime.date(2024, 8, 3)),
        lambda: article_api(1, 1, datetime.date(2024, 8, 3)),
        lambda: edition_api(paper="neibu"),
        lambda: page_api(1, paper="neibu"),
        lambda: article_api(1, 1, paper="neibu"),
        lambda: api_path("paper-editions", paper="neibu"),
    ],
    ids=["unpublished", "its page", "its article", "unlisted", "its page", "its article", "list"],
)
def test_hidden_editions_are_not_found(client, edition, path):
    response = client.get(path())
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_nothing_hidden_leaks_through_any_list(client, edition):
    paths = [
        api_path("papers"),
        api_path("paper-editions", paper="ljrb"),
        api_path("paper-editions", paper="ljrb") + "?from=2024-08-03",
        edition_api(),
        *(page_api(n) for n in range(1, 5)),
        *(article_api(2, n) for n in range(1, 4)),
    ]
    for path in paths:
        body = client.get(path).content.decode()
        assert SECRET not in body, path
        assert "2024-08-03" not in body, path
        assert "neibu" not in body, path
