"""Who may do what on the editors' desk: the Editors group, other staff, anonymous readers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editions.models import Article, Edition


def test_editors_group_has_exactly_the_editors_permissions(db):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_edition",
        "view_page",
        "view_article",
        "view_section",
        "view_importrun",
        "change_article",
        "change_page",
        "change_section",
        "add_edition",
        "change_edition",
        "publish_edition",
        "preview_edition",
        "add_importrun",
    }


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:editions_article_changelist"),
        reverse("admin:editions_importrun_upload"),
    ],
)
def test_anonymous_is_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_editor_can_correct_an_article(editor_client, imported_article, article_form):
    url = reverse("admin:editions_article_change", args=[imported_article.pk])
    response = editor_client.post(url, article_form(imported_article, title="更正后的标题"))
    assert response.status_code == 302
    assert Article.objects.get(pk=imported_article.pk).title == "更正后的标题"


def test_editor_can_withdraw_and_publish_an_edition(editor_client, edition):
    url = reverse("admin:editions_edition_changelist")
    for action, published in (("withdraw_editions", False), ("publish_editions", True)):
        response = editor_client.post(url, {"action": action, "_selected_action": [edition.pk]})
        assert response.status_code == 302
        assert Edition.objects.get(pk=edition.pk).is_published is published


def test_editor_gets_403_deleting_an_edition(editor_client, edition):
    url = reverse("admin:editions_edition_delete", args=[edition.pk])
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Edition.objects.filter(pk=edition.pk).exists()


def test_editor_is_not_offered_the_delete_action_on_editions(editor_client, edition):
    response = editor_client.get(reverse("admin:editions_edition_changelist"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"publish_editions", "withdraw_editions"} <= set(actions)


def test_editor_can_add_an_edition(editor_client, db):
    assert editor_client.get(reverse("admin:editions_edition_add")).status_code == 200


@pytest.mark.parametrize("model", ["user", "group"])
def test_editor_cannot_manage_users_or_groups(editor_client, model):
    assert editor_client.get(reverse(f"admin:auth_{model}_changelist")).status_code == 403


def test_editor_can_open_the_upload_page(editor_client):
    assert editor_client.get(reverse("admin:editions_importrun_upload")).status_code == 200


def test_staff_without_the_upload_permission_gets_403_on_the_upload_page(client, staff_with):
    client.force_login(staff_with("view_importrun"))
    assert client.get(reverse("admin:editions_importrun_upload")).status_code == 403


def test_staff_without_the_publish_permission_is_not_offered_publishing(
    client, edition, staff_with
):
    client.force_login(staff_with("view_edition", "change_edition"))
    response = client.get(reverse("admin:editions_edition_changelist"))
    assert "publish_editions" not in response.content.decode()
    denied = client.post(
        reverse("admin:editions_edition_changelist"),
        {"action": "withdraw_editions", "_selected_action": [edition.pk]},
    )
    assert denied.status_code == 200  # "no action selected": the action is not there
    assert Edition.objects.get(pk=edition.pk).is_published


def test_staff_without_the_publish_permission_cannot_publish_from_the_form(
    client, edition, staff_with
):
    client.force_login(staff_with("view_edition", "change_edition"))
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    url = reverse("admin:editions_edition_change", args=[edition.pk])
    client.post(url, {"date": "2024-08-02", "is_published": "on", **empty_pages_inline()})
    assert not Edition.objects.get(pk=edition.pk).is_published


def test_a_viewer_cannot_post_a_revert(client, imported_article, staff_with, article_form):
    client.force_login(staff_with("view_article"))
    version = imported_article.history.earliest()
    url = reverse("admin:editions_article_simple_history", args=[imported_article.pk, version.pk])
    response = client.post(url, article_form(imported_article, title="被篡改"))
    assert response.status_code == 403
    assert Article.objects.get(pk=imported_article.pk).title != "被篡改"


def empty_pages_inline() -> dict[str, str]:
    return {
        "pages-TOTAL_FORMS": "0",
        "pages-INITIAL_FORMS": "0",
        "pages-MIN_NUM_FORMS": "0",
        "pages-MAX_NUM_FORMS": "1000",
    }
