"""Conditional GETs: 304 while nothing changed, fresh pages the moment an editor saves."""

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
    """GET twice: the first visit sets the CSRF cookie the ETag then depends on."""
    client.get(path)
    return client.get(path)


@pytest.mark.parametrize("path", EDITION_VIEWS)
def test_published_pages_carry_validators_and_must_revalidate(client, edition, path):
    response = settled(client, path)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "no-cache" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]


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
    make_edition(date=datetime.date(2024, 8, 2))
    before = settled(client, page_path(1, "2024-08-02"))
    make_edition(date=datetime.date(2024, 8, 3))
    response = client.get(page_path(1, "2024-08-02"), headers={"if-none-match": before["ETag"]})
    assert response.status_code == 304
    assert client.get(edition_path("2024-08-02", "next-edition"))["Location"] == edition_path(
        "2024-08-03"
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
    assert "no-store" in response["Cache-Control"]


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


def test_a_cached_page_carries_the_visitors_own_csrf_token(edition, client):
    from django.test import Client

    client.get(page_path(1, "2024-08-02"))  # rendered and cached by another visitor
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(page_path(1, "2024-08-02")).content.decode()
    assert caching.CSRF_PLACEHOLDER not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = visitor.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": token, "language": "en", "next": page_path(1, "2024-08-02")},
    )
    assert response.status_code == 302
    assert "Next page" in visitor.get(page_path(1, "2024-08-02")).content.decode()


def test_the_page_cache_can_be_turned_off(client, edition, settings, django_assert_num_queries):
    settings.READER_PAGE_CACHE_SECONDS = 0
    client.get(page_path(2, "2024-08-02"))
    with django_assert_num_queries(3):
        client.get(page_path(2, "2024-08-02"))


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
    assert caching.CSRF_PLACEHOLDER not in html
