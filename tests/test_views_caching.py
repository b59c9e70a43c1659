"""HTTP caching of readers' pages: public for a CDN, 304 while nothing changed, fresh pages
the moment an editor saves; the rendered-page cache holds nothing per visitor."""

import datetime

import pytest

from editions import caching
from editions.models import Article, Edition
from tests.paths import archive_path, article_path, edition_path, headlines_path, page_path

pytestmark = pytest.mark.django_db

EDITION_VIEWS = [
    "/",
    edition_path("2024-08-02"),
    page_path(2, "2024-08-02"),
    article_path(2, 1, "2024-08-02"),
    headlines_path("2024-08-02"),
]


def settled(client, path):
    """GET twice: the second is served from the rendered-page cache."""
    client.get(path)
    return client.get(path)


def cache_control(response) -> dict[str, str]:
    return dict(
        ([*part.strip().split("=", 1), ""])[:2] for part in response["Cache-Control"].split(",")
    )


@pytest.mark.parametrize("path", EDITION_VIEWS)
def test_published_pages_are_public_for_a_cdn_and_carry_validators(client, edition, path):
    response = settled(client, path)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert cache_control(response) == {
        "public": "",
        "max-age": "0",
        "s-maxage": "30",
        "stale-while-revalidate": "30",
    }
    assert {v.strip() for v in response["Vary"].split(",")} == {"Accept-Language", "Cookie"}


def test_the_cdn_lifetimes_come_from_the_settings(client, edition, settings):
    settings.READER_MAX_AGE = 5
    settings.READER_SHARED_MAX_AGE = 120
    settings.READER_STALE_SECONDS = 600
    response = client.get(page_path(1, "2024-08-02"))
    assert cache_control(response) == {
        "public": "",
        "max-age": "5",
        "s-maxage": "120",
        "stale-while-revalidate": "600",
    }


@pytest.mark.parametrize("path", [*EDITION_VIEWS, archive_path(2024, 8)])
def test_a_published_page_sets_no_cookie(client, edition, path):
    """A Set-Cookie would make the page per visitor: no CDN may share it."""
    first = client.get(path)
    second = client.get(path)
    assert first.cookies == {}
    assert second.cookies == {}
    assert "csrfmiddlewaretoken" not in second.content.decode()


@pytest.mark.parametrize("path", EDITION_VIEWS)
def test_a_conditional_get_with_the_etag_answers_304(client, edition, path):
    etag = settled(client, path)["ETag"]
    response = client.get(path, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_conditional_get_with_the_date_answers_304(client, edition):
    last_modified = settled(client, page_path(1, "2024-08-02"))["Last-Modified"]
    response = client.get(page_path(1, "2024-08-02"), headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_a_304_costs_one_query(client, edition, django_assert_num_queries):
    etag = settled(client, article_path(1, 1, "2024-08-02"))["ETag"]
    with django_assert_num_queries(1):
        assert (
            client.get(
                article_path(1, 1, "2024-08-02"), headers={"if-none-match": etag}
            ).status_code
            == 304
        )


def test_an_editors_change_shows_at_once(client, edition):
    path = article_path(1, 1, "2024-08-02")
    before = settled(client, path)
    article = Article.objects.get(page__edition=edition, page__number=1, position=1)
    article.title = "更正后的标题"
    article.save()
    response = client.get(
        path,
        headers={
            "if-none-match": before["ETag"],
            "if-modified-since": before["Last-Modified"],
        },
    )
    assert response.status_code == 200
    assert "更正后的标题" in response.content.decode()
    assert response["ETag"] != before["ETag"]


def test_a_change_to_a_page_refreshes_the_page_list_everywhere(client, edition):
    before = settled(client, article_path(1, 1, "2024-08-02"))
    page = edition.pages.get(number=3)
    page.name = "新版名"
    page.save()
    response = client.get(
        article_path(1, 1, "2024-08-02"), headers={"if-none-match": before["ETag"]}
    )
    assert response.status_code == 200
    assert "新版名" in response.content.decode()


def test_pages_do_not_depend_on_other_editions(client, make_edition):
    """Publishing 08-04 changes only its neighbour 08-03 (下一期 becomes a link), never 08-02."""
    for day in (1, 2, 3):
        make_edition(date=datetime.date(2024, 8, day))
    middle = settled(client, page_path(1, "2024-08-02"))
    newest = settled(client, page_path(1, "2024-08-03"))
    make_edition(date=datetime.date(2024, 8, 4))
    response = client.get(page_path(1, "2024-08-02"), headers={"if-none-match": middle["ETag"]})
    assert response.status_code == 304
    response = client.get(page_path(1, "2024-08-03"), headers={"if-none-match": newest["ETag"]})
    assert response.status_code == 200
    assert client.get(edition_path("2024-08-03", "next-edition"))["Location"] == edition_path(
        "2024-08-04"
    )


def test_the_front_page_moves_on_to_a_new_edition(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    before = settled(client, "/")
    make_edition(date=datetime.date(2024, 8, 3))
    response = client.get("/", headers={"if-none-match": before["ETag"]})
    assert response.status_code == 200
    assert "2024年8月3日" in response.content.decode()


def test_each_language_has_its_own_etag(client, edition):
    chinese = settled(client, page_path(1, "2024-08-02"))
    client.cookies["django_language"] = "en"
    english = client.get(page_path(1, "2024-08-02"), headers={"if-none-match": chinese["ETag"]})
    assert english.status_code == 200
    assert english["ETag"] != chinese["ETag"]
    assert "Next page" in english.content.decode()


def test_withdrawing_an_edition_hides_it_despite_a_cached_copy(client, edition):
    before = settled(client, page_path(1, "2024-08-02"))
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    response = client.get(page_path(1, "2024-08-02"), headers={"if-none-match": before["ETag"]})
    assert response.status_code == 404


def test_staff_previews_never_answer_304(staff_client, make_edition):
    make_edition(published=False)
    response = staff_client.get(page_path(1, "2024-08-02"), headers={"if-none-match": "*"})
    assert response.status_code == 200
    assert cache_control(response) == {"private": "", "no-store": ""}
    assert "ETag" not in response


def test_the_archive_answers_304_until_an_edition_is_published(client, make_edition):
    make_edition(date=datetime.date(2024, 8, 2))
    before = settled(client, archive_path(2024, 8))
    assert (
        client.get(archive_path(2024, 8), headers={"if-none-match": before["ETag"]}).status_code
        == 304
    )
    make_edition(date=datetime.date(2024, 8, 5))
    after = client.get(archive_path(2024, 8), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert f'href="{edition_path("2024-08-05")}"' in after.content.decode()


def test_head_requests_get_the_same_validators(client, edition):
    get = settled(client, page_path(1, "2024-08-02"))
    head = client.head(page_path(1, "2024-08-02"))
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]


# --- the rendered-page cache -------------------------------------------------------------


def test_a_cached_page_costs_one_query(client, edition, django_assert_num_queries):
    client.get(article_path(2, 1, "2024-08-02"))
    with django_assert_num_queries(1):
        response = client.get(article_path(2, 1, "2024-08-02"))
    assert "第2版第1篇" in response.content.decode()


def test_the_language_switch_of_a_cached_page_works_with_csrf_checks_on(edition, client):
    from django.test import Client

    client.get(page_path(1, "2024-08-02"))  # rendered and cached by another visitor
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(page_path(1, "2024-08-02")).content.decode()
    assert 'class="language-switch"' in html
    response = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": page_path(1, "2024-08-02")}
    )
    assert response.status_code == 302
    assert response["Location"] == page_path(1, "2024-08-02")
    assert "Next page" in visitor.get(page_path(1, "2024-08-02")).content.decode()


def test_the_language_switch_never_sends_a_reader_off_the_site(edition, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "text",
    [
        "reader-csrf-token-placeholder",  # the placeholder of earlier releases
        caching.CSRF_PLACEHOLDER,
        "csrfmiddlewaretoken",
    ],
)
def test_article_text_holding_a_placeholder_is_shown_as_written(client, edition, text):
    article = Article.objects.get(page__edition=edition, page__number=1, position=1)
    article.body = f"第一段{text}第二段"
    article.save()
    path = article_path(1, 1, "2024-08-02")
    for response in (client.get(path), client.get(path)):  # rendered, then from the cache
        assert f"第一段{text}第二段" in response.content.decode()


# --- what the rendered-page cache is keyed on ---------------------------------------------


def cached_pages() -> int:
    """How many rendered pages the cache holds, in process (LocMem) or in Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        redis = cache._cache.get_client(write=False)
        return sum(1 for _ in redis.scan_iter(match=cache.make_key("reader-page:*")))
    return sum(1 for key in cache._cache if "reader-page:" in key)


def test_tracking_parameters_share_one_cached_page(client, edition):
    path = page_path(2, "2024-08-02")
    for n in range(60):
        assert client.get(f"{path}?utm_source=n{n}&utm_medium=x").status_code == 200
    assert cached_pages() == 1
    client.get(path)
    assert cached_pages() == 2  # with no parameter at all: the page is told so (noindex)


def test_the_headline_index_keys_on_its_section_filter(client, edition):
    path = headlines_path("2024-08-02")
    section = edition.pages.get(number=1).section.slug
    for n in range(10):
        client.get(f"{path}?section={section}&utm_source={n}")
        client.get(f"{path}?utm_source={n}")
    assert cached_pages() == 2
    filtered = client.get(f"{path}?section={section}&utm_source=x").content.decode()
    everything = client.get(f"{path}?utm_source=x").content.decode()
    assert filtered != everything


def test_a_cached_page_does_not_hand_on_a_visitors_tracking_parameters(client, edition):
    path = page_path(2, "2024-08-02")
    client.get(f"{path}?utm_source=newsletter")
    html = client.get(f"{path}?utm_source=other").content.decode()
    assert "newsletter" not in html
    assert f'name="next" value="{path}"' in html


def test_search_results_keep_their_query_in_the_language_switch(client, edition):
    html = client.get("/search/?q=%E4%B8%B4%E6%B1%9F").content.decode()
    assert 'name="next" value="/search/?q=%E4%B8%B4%E6%B1%9F"' in html


def test_the_page_cache_can_be_turned_off(client, edition, settings, django_assert_num_queries):
    settings.READER_PAGE_CACHE_SECONDS = 0
    client.get(page_path(2, "2024-08-02"))
    # The edition alone (its pages and this page's headlines are kept with it,
    # views/navigation.py), and the page is rendered again, not taken from a cache.
    with django_assert_num_queries(1):
        response = client.get(page_path(2, "2024-08-02"))
    assert "editions/page_detail.html" in [template.name for template in response.templates]
    assert cached_pages() == 0


def test_a_staff_preview_is_never_served_to_readers(staff_client, make_edition):
    from django.test import Client

    make_edition(published=False)
    assert staff_client.get(page_path(1, "2024-08-02")).status_code == 200
    assert Client().get(page_path(1, "2024-08-02")).status_code == 404


def test_a_preview_is_not_kept_for_readers_once_the_edition_is_published(
    staff_client, make_edition
):
    from django.test import Client

    edition = make_edition(published=False)
    assert "preview-banner" in staff_client.get(page_path(1, "2024-08-02")).content.decode()
    # Published without moving the timestamp: the page key is the one the preview had.
    Edition.objects.filter(pk=edition.pk).update(is_published=True)
    html = Client().get(page_path(1, "2024-08-02")).content.decode()
    assert "preview-banner" not in html
