"""A NUL byte in any query parameter gives a page, never a 500 (PostgreSQL cannot hold NUL)."""

import pytest
from django.urls import reverse

from tests.paths import archive_path, article_path, headlines_path, page_path, search_path

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (search_path, {"q": NUL}),
        (search_path, {"q": f"临江{NUL}日报", "paper": NUL}),
        (lambda: search_path("ljrb"), {"q": NUL, "page": NUL}),
        (headlines_path, {"section": NUL}),
        (archive_path, {"date": NUL}),
        (lambda: page_path(1), {NUL: NUL}),
        (lambda: article_path(1, 1), {"utm_source": NUL}),
    ],
)
def test_readers_views(client, edition, path, params):
    response = client.get(path(), params)
    assert response.status_code in (200, 302, 404)


def test_a_search_with_nul_still_finds_the_rest_of_the_query(client, edition):
    response = client.get(search_path(), {"q": f"第1版{NUL}第1篇"})
    assert response.status_code == 200
    assert "第1版第1篇" in response.content.decode()


@pytest.mark.parametrize("model", ["article", "page", "edition", "section", "importrun", "paper"])
@pytest.mark.parametrize(
    "params",
    [
        {"q": NUL},
        {"q": f"标题{NUL}"},
        {"edition": NUL},
        {"page": NUL},
        {"is_corrected__exact": NUL},
        {"page__edition__paper__id__exact": NUL},
    ],
)
def test_admin_lists(superuser_client, edition, model, params):
    response = superuser_client.get(reverse(f"admin:editions_{model}_changelist"), params)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(("model", "field"), [("article", "page"), ("page", "section")])
def test_admin_autocomplete(superuser_client, edition, model, field):
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "editions", "model_name": model, "field_name": field, "term": NUL},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"edition": "notadate"}, {"edition": "2024-02-30"}, {"page": "²"}, {"page": "9" * 40}],
)
def test_odd_admin_filter_values_are_no_error(superuser_client, edition, params):
    response = superuser_client.get(reverse("admin:editions_article_changelist"), params)
    assert response.status_code in (200, 302)
