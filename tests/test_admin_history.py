"""History on the editors' desk: every change is a version with a readable diff, and reversible."""

import pytest
from django.urls import reverse

from editions.models import Article, Page, Section
from tests.factories import SectionFactory

FIRST_PARAGRAPH = "第1版第1篇的第一段。"


def change_url(article) -> str:
    return reverse("admin:editions_article_change", args=[article.pk])


def history_url(article) -> str:
    return reverse("admin:editions_article_history", args=[article.pk])


def revert_url(article, version) -> str:
    return reverse("admin:editions_article_simple_history", args=[article.pk, version.pk])


@pytest.fixture
def corrected(editor_client, imported_article, article_form) -> Article:
    """The imported article after an editor fixed its headline and first paragraph."""
    body = imported_article.body.replace(FIRST_PARAGRAPH, "第1版第1篇的第一段，已更正。")
    response = editor_client.post(
        change_url(imported_article),
        article_form(
            imported_article, title="更正后的标题", body=body, correction_note="标题有错字"
        ),
    )
    assert response.status_code == 302
    return Article.objects.get(pk=imported_article.pk)


def test_a_corrected_article_is_marked_corrected(corrected):
    assert corrected.is_corrected


def test_an_edit_is_recorded_with_its_editor_and_note(corrected, editor):
    version = corrected.history.latest()
    assert (version.history_user, version.history_change_reason) == (editor, "标题有错字")
    assert version.title == "更正后的标题"


def test_an_edit_without_a_note_records_no_reason(editor_client, imported_article, article_form):
    editor_client.post(change_url(imported_article), article_form(imported_article, byline="李四"))
    assert imported_article.history.latest().history_change_reason is None


def test_the_history_page_shows_the_changed_characters(editor_client, corrected):
    response = editor_client.get(history_url(corrected))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<del>第1版第1篇</del>" in content
    assert "<ins>更正后的标题</ins>" in content
    assert "第1版第1篇的第一段<ins>，已更正</ins>。" in content
    assert "标题有错字" in content


def test_the_history_page_leaves_unchanged_paragraphs_out(editor_client, corrected):
    content = editor_client.get(history_url(corrected)).content.decode()
    assert "第二段。" not in content
    assert "2 段未改动" in content or "2 paragraphs unchanged" in content


def test_the_history_page_costs_the_same_however_many_versions(
    editor_client, imported_article, count_queries, article_form
):
    url = history_url(imported_article)
    few = count_queries(lambda: editor_client.get(url))
    for number in range(5):
        editor_client.post(
            change_url(imported_article), article_form(imported_article, title=f"第{number}稿")
        )
    assert count_queries(lambda: editor_client.get(url)) == few


def test_the_revert_page_says_what_the_revert_will_change(editor_client, corrected):
    original = corrected.history.order_by("history_date")[1]  # as imported
    content = editor_client.get(revert_url(corrected, original)).content.decode()
    assert "<del>更正后的标题</del>" in content
    assert "<ins>第1版第1篇</ins>" in content


def test_reverting_restores_the_version(editor_client, corrected, article_form):
    original = corrected.history.order_by("history_date")[1]
    response = editor_client.post(revert_url(corrected, original), article_form(original.instance))
    assert response.status_code == 302
    assert response.url == history_url(corrected)
    restored = Article.objects.get(pk=corrected.pk)
    assert (restored.title, restored.body) == (original.title, original.body)
    assert not restored.is_corrected


def test_a_revert_is_itself_a_recorded_change_with_its_reason(
    editor_client, corrected, editor, article_form
):
    versions_before = corrected.history.count()
    original = corrected.history.order_by("history_date")[1]
    editor_client.post(
        revert_url(corrected, original),
        article_form(original.instance, correction_note="撤销误改"),
    )
    latest = corrected.history.latest()
    assert corrected.history.count() == versions_before + 1
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith(("Reverted to the version of", "恢复到"))
    assert latest.history_change_reason.endswith("撤销误改")
    content = editor_client.get(history_url(corrected)).content.decode()
    assert "撤销误改" in content


def test_a_revert_keeps_the_imported_text(editor_client, corrected, article_form):
    imported = dict(corrected.imported)
    first = corrected.history.earliest()
    editor_client.post(revert_url(corrected, first), article_form(first.instance))
    assert Article.objects.get(pk=corrected.pk).imported == imported


def test_restoring_the_imported_text_from_the_list(editor_client, corrected):
    response = editor_client.post(
        reverse("admin:editions_article_changelist"),
        {"action": "restore_imported_text", "_selected_action": [corrected.pk]},
    )
    assert response.status_code == 302
    restored = Article.objects.get(pk=corrected.pk)
    assert restored.text_values() == restored.imported
    assert not restored.is_corrected
    assert corrected.history.latest().history_user is not None


def test_headlines_fixed_on_the_page_form_are_versioned_with_the_note(
    editor_client, edition, editor
):
    page = edition.pages.get(number=2)
    articles = list(page.articles.order_by("position"))
    data = {
        "label": page.label,
        "name": page.name,
        "section": page.section_id,
        "editor": page.editor,
        "correction_note": "修正标题",
        "articles-TOTAL_FORMS": str(len(articles)),
        "articles-INITIAL_FORMS": str(len(articles)),
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
    }
    for index, article in enumerate(articles):
        data |= {
            f"articles-{index}-id": article.pk,
            f"articles-{index}-page": page.pk,
            f"articles-{index}-title": article.title,
            f"articles-{index}-byline": article.byline,
        }
    data["articles-1-title"] = "第2版第2篇（修正）"
    response = editor_client.post(reverse("admin:editions_page_change", args=[page.pk]), data)
    assert response.status_code == 302
    version = articles[1].history.latest()
    assert (version.title, version.history_change_reason) == ("第2版第2篇（修正）", "修正标题")
    assert version.history_user == editor


def test_renaming_a_section_is_in_its_history(editor_client, edition):
    section = Section.objects.get(slug="yao-wen")
    editor_client.post(
        reverse("admin:editions_section_change", args=[section.pk]),
        {"name": "综合新闻", "slug": "yao-wen", "correction_note": "改版"},
    )
    content = editor_client.get(
        reverse("admin:editions_section_history", args=[section.pk])
    ).content.decode()
    assert "<del>要闻</del>" in content
    assert "<ins>综合新闻</ins>" in content
    assert "改版" in content


def test_a_page_history_shows_its_section_by_name(superuser_client, edition):
    page = edition.pages.get(number=1)
    page.section = SectionFactory(name="经济", slug="jing-ji")
    page.save()
    content = superuser_client.get(
        reverse("admin:editions_page_history", args=[page.pk])
    ).content.decode()
    assert "要闻" in content
    assert "经济" in content


def test_versions_written_by_the_importer_read_as_imported(superuser_client, imported_article):
    Article.history.filter(id=imported_article.pk).update(history_change_reason="import")
    response = superuser_client.get(history_url(imported_article))
    assert response.context["page_obj"][0].note in {"Imported", "已导入"}


def test_a_page_revert_is_recorded(superuser_client, edition):
    page = Page.objects.get(edition=edition, number=1)
    first = page.history.earliest()
    page.name = "改错的版名"
    page.save()
    data = {
        "label": first.label,
        "name": first.name,
        "section": first.section_id,
        "editor": first.editor,
        "correction_note": "",
    }
    url = reverse("admin:editions_page_simple_history", args=[page.pk, first.pk])
    assert superuser_client.post(url, data).status_code == 302
    assert Page.objects.get(pk=page.pk).name == first.name
    assert page.history.latest().history_change_reason.startswith(("Reverted", "恢复"))


def test_saving_from_a_browser_with_crlf_line_ends_is_not_a_correction(
    editor_client, imported_article, article_form
):
    body = imported_article.body.replace("\n", "\r\n")
    editor_client.post(change_url(imported_article), article_form(imported_article, body=body))
    assert not Article.objects.get(pk=imported_article.pk).is_corrected


def test_markup_typed_into_an_article_is_shown_escaped_in_the_diff(
    editor_client, imported_article, article_form
):
    editor_client.post(
        change_url(imported_article),
        article_form(imported_article, title="<script>alert(1)</script>"),
    )
    content = editor_client.get(history_url(imported_article)).content.decode()
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in content
    assert "<script>alert(1)" not in content
