"""The API's door: problem details for every error, CORS, HEAD, conditional GET, rate limits
and partners' keys."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from editions.api.models import KEY_PREFIX, ApiKey, digest
from tests.api_data import api_path, edition_api, manifest_path, page_api, published_edition

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@contextlib.contextmanager
def freeze_time_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def edition():
    return published_edition()


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    if code:
        assert body["code"] == code
    return body


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/no/such/thing",
        "/api/papers/",  # with a slash: no such address
        "/api/papers/NOT-A-CODE",
        "/api/papers/ljrb/editions/2024-02-30",
        "/api/papers/ljrb/editions/yesterday",
        "/api/papers/ljrb/editions/2024-08-02/pages/99",
        "/api/papers/ljrb/editions/2024-08-02/pages/1/articles/99",
        "/api/iiif/ljrb/2024-02-30/manifest.json",
        "/api/iiif/ljrb/2030-01-01/manifest.json",
    ],
)
def test_unknown_addresses_are_404_problems(client, edition, path):
    assert_problem(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=many", "from=2024-13-01", "to=yesterday"],
)
def test_bad_parameters_are_422_problems_naming_them(client, edition, query):
    response = client.get(api_path("paper-editions", paper="ljrb") + "?" + query)
    body = assert_problem(response, 422, "invalid_parameters")
    assert body["errors"][0]["loc"][0] == "query"


def test_out_of_range_numbers_are_422_not_500(client, edition):
    response = client.get(f"{edition_api()}/pages/99999999999999999999999")
    assert_problem(response, 422)


def test_search_without_words_is_422(client, edition):
    assert_problem(client.get(api_path("search")), 422)


def test_a_write_method_is_a_405_problem(client, edition):
    response = client.post(api_path("papers"), {})
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_unexpected_error_is_a_500_problem(client, edition, monkeypatch):
    from editions.api import represent

    def broken(self, paper):
        raise RuntimeError("boom")

    monkeypatch.setattr(represent.Builder, "paper", broken)
    body = assert_problem(client.get(api_path("papers")), 500, "server_error")
    assert "boom" not in body["detail"]


# --- CORS and HEAD ----------------------------------------------------------------


def test_cors_is_open_for_reading(client, edition):
    response = client.get(edition_api(), headers={"Origin": "https://library.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_is_answered_for_get(client, edition):
    response = client.options(
        edition_api(),
        headers={
            "Origin": "https://library.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-API-Key",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "X-API-Key" in response["Access-Control-Allow-Headers"]


def test_cors_stays_off_the_readers_pages(client, edition):
    assert "Access-Control-Allow-Origin" not in client.get("/ljrb/2024-08-02/")


def test_head_answers_like_get_without_a_body(client, edition):
    got = client.get(page_api(2))
    head = client.head(page_api(2))
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))


# --- conditional GET -------------------------------------------------------------


@pytest.mark.parametrize("path", [lambda: api_path("papers"), edition_api, lambda: page_api(2)])
def test_an_unchanged_resource_answers_304_to_its_etag(client, edition, path):
    first = client.get(path())
    assert first["ETag"]
    again = client.get(path(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("path", [edition_api, lambda: page_api(2), manifest_path])
def test_last_modified_answers_304_until_the_edition_changes(client, edition, path):
    first = client.get(path())
    since = first["Last-Modified"]
    assert client.get(path(), headers={"If-Modified-Since": since}).status_code == 304
    # An editor's change, a few seconds later (HTTP dates count whole seconds).
    later = timezone.now() + datetime.timedelta(seconds=5)
    with freeze_time_at(later):
        article = edition.pages.get(number=2).articles.first()
        article.title = "改过的标题"
        article.save()  # moves the edition's updated_at
    assert client.get(path(), headers={"If-Modified-Since": since}).status_code == 200


def test_a_changed_page_gets_a_new_etag(client, edition):
    first = client.get(page_api(2))["ETag"]
    article = edition.pages.get(number=2).articles.first()
    article.title = "改过的标题"
    article.save()
    response = client.get(page_api(2), headers={"If-None-Match": first})
    assert response.status_code == 200
    assert response["ETag"] != first


# --- rate limits and keys --------------------------------------------------------


@pytest.fixture
def low_limit(settings):
    settings.API_RATE_PER_MINUTE = 3
    return 3


def test_a_client_over_its_limit_gets_429_with_retry_after(client, edition, low_limit):
    for left in (2, 1, 0):
        response = client.get(api_path("papers"))
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        assert response["RateLimit-Remaining"] == str(left)
    response = client.get(api_path("papers"))
    body = assert_problem(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    assert body["retry_after"] == int(response["Retry-After"])


def test_limits_are_per_client_address(client, edition, low_limit):
    for _ in range(3):
        client.get(api_path("papers"), REMOTE_ADDR="10.0.0.1")
    assert client.get(api_path("papers"), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(api_path("papers"), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_partners_key_has_its_own_higher_limit(client, edition, low_limit):
    key = ApiKey(name="市图书馆", requests_per_minute=10)
    secret = key.issue()
    key.save()
    for _ in range(3):
        client.get(api_path("papers"))
    assert client.get(api_path("papers")).status_code == 429
    response = client.get(api_path("papers"), headers={"X-API-Key": secret})
    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "10"


def test_an_unknown_or_revoked_key_is_a_401_problem(client, edition):
    assert_problem(
        client.get(api_path("papers"), headers={"X-API-Key": "nrk_guess"}), 401, "invalid_api_key"
    )
    key = ApiKey(name="旧伙伴", is_active=False)
    secret = key.issue()
    key.save()
    assert client.get(api_path("papers"), headers={"X-API-Key": secret}).status_code == 401


def test_a_key_is_stored_only_as_its_digest(db):
    key = ApiKey(name="伙伴")
    secret = key.issue()
    key.save()
    stored = ApiKey.objects.values().get(pk=key.pk)
    assert secret.startswith(KEY_PREFIX)
    assert len(secret) > 40
    assert secret not in str(stored)
    assert stored["key_hash"] == digest(secret)
    assert secret.startswith(stored["prefix"])


def test_a_superuser_makes_a_key_in_the_admin_and_sees_it_once(superuser_client):
    response = superuser_client.post(
        reverse("admin:editions_apikey_add"),
        {"name": "市图书馆", "requests_per_minute": 600, "is_active": "on", "notes": ""},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for m in shown for word in m.split() if word.startswith(KEY_PREFIX))
    assert ApiKey.objects.matching(secret) == key
    page = superuser_client.get(reverse("admin:editions_apikey_change", args=[key.pk]))
    assert secret not in page.content.decode()


def test_editors_do_not_see_api_keys(editor_client):
    assert editor_client.get(reverse("admin:editions_apikey_changelist")).status_code == 403
