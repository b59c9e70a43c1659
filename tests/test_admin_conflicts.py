"""Editors and imports at once: no lost update, no deadlock, and one limit on an article's size."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editions.models import ARTICLE_BODY_MAX_CHARS, Article
from tests.factories import default_paper
from tests.rawpages import HEADLINES, raw_page, write

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 8, 2)


def change_url(article) -> str:
    return reverse("admin:editions_article_change", args=[article.pk])


def loaded_form(client, article) -> dict[str, str]:
    """The article's change form as the browser shows it, ready to post back."""
    form = client.get(change_url(article)).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({name: getattr(article, name) for name in ("kicker", "title", "subtitle")})
    data.update({name: getattr(article, name) for name in ("byline", "body")})
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_form_carries_the_version_it_was_loaded_at(editor_client, imported_article):
    data = loaded_form(editor_client, imported_article)
    assert data["loaded_version"] == imported_article.updated_at.isoformat()


def test_a_save_over_a_newer_import_is_refused_and_nothing_is_lost(editor_client, imported_article):
    data = loaded_form(editor_client, imported_article)
    # Meanwhile an import brings a new text (the importer writes in bulk, with its timestamp).
    Article.objects.filter(pk=imported_article.pk).update(
        body="导入的新正文。",
        imported={**imported_article.imported, "body": "导入的新正文。"},
        updated_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    data["title"] = "编辑在旧表单上改的标题"
    response = editor_client.post(change_url(imported_article), data)
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode() or "打开" in (
        response.content.decode()
    )
    article = Article.objects.get(pk=imported_article.pk)
    assert (article.title, article.body) == (imported_article.title, "导入的新正文。")
    assert not article.is_corrected


def test_a_save_on_a_fresh_form_goes_through(editor_client, imported_article):
    data = loaded_form(editor_client, imported_article)
    data["title"] = "及时的更正"
    assert editor_client.post(change_url(imported_article), data).status_code == 302
    assert Article.objects.get(pk=imported_article.pk).title == "及时的更正"


def test_a_body_longer_than_the_limit_is_a_form_error_not_a_crash(editor_client, imported_article):
    data = loaded_form(editor_client, imported_article)
    data["body"] = "字" * (ARTICLE_BODY_MAX_CHARS + 1)
    response = editor_client.post(change_url(imported_article), data)
    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors


def test_the_longest_allowed_body_can_be_saved_through_the_form(editor_client, imported_article):
    data = loaded_form(editor_client, imported_article)
    data["body"] = "字" * ARTICLE_BODY_MAX_CHARS
    response = editor_client.post(change_url(imported_article), data)
    assert response.status_code == 302
    assert len(Article.objects.get(pk=imported_article.pk).body) == ARTICLE_BODY_MAX_CHARS


@pytest.mark.django_db(transaction=True)
def test_editors_saving_while_an_import_runs_never_deadlock(tmp_path, superuser):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    default_paper()  # a transactional test before this one may have emptied the table
    folder = tmp_path / DAY.isoformat()
    for position, title in enumerate(HEADLINES, 1):
        write(folder, f"p2-{position}.txt", raw_page(title=title))
    call_command("import_pages", str(folder), stdout=io.StringIO())
    ids = list(Article.objects.values_list("pk", flat=True))
    errors: list[str] = []
    stop = threading.Event()

    def importer():
        try:
            for round_ in range(8):
                for position, title in enumerate(HEADLINES, 1):
                    paragraphs = [f"第{round_}轮导入的正文第{position}段。"]
                    write(
                        folder, f"p2-{position}.txt", raw_page(title=title, paragraphs=paragraphs)
                    )
                call_command(
                    "import_pages", str(folder), overwrite_corrections=True, stdout=io.StringIO()
                )
        except Exception as exc:
            errors.append(f"import: {exc}")
        finally:
            stop.set()
            connection.close()

    def editor():
        try:
            for count in range(40):
                if stop.is_set() and count > 5:
                    break
                for pk in ids:
                    article = Article.objects.get(pk=pk)
                    article.byline = f"记者 第{count}次"
                    article.save()
        except Exception as exc:
            errors.append(f"save: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=importer), threading.Thread(target=editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_a_client_without_a_loaded_version_is_not_refused(db, superuser, imported_article):
    # Scripts posting the form without the hidden field keep working (no check is possible).
    client = Client()
    client.force_login(superuser)
    data = loaded_form(client, imported_article)
    data.pop("loaded_version")
    data["title"] = "脚本的更正"
    assert client.post(change_url(imported_article), data).status_code == 302
