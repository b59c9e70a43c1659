"""Editors limited to their papers: a staff member of one title cannot read or change another's."""

import datetime

import pytest
from django.urls import reverse

from editions.models import Article, Edition, ImportRun, Page, Paper, Section
from tests.factories import PaperFactory, build_edition, default_paper
from tests.rawpages import raw_page

DAY = datetime.date(2024, 8, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(db) -> Paper:
    return PaperFactory(code="ljwb", name="临江晚报")


@pytest.fixture
def theirs(evening):
    """The evening paper's edition of DAY, unpublished, with a correction in its history."""
    build_edition(date=DAY, pages=2, articles_per_page=2)
    edition = build_edition(date=DAY, pages=2, articles_per_page=2, paper=evening, published=False)
    article = Article.objects.filter(page__edition=edition).order_by("pk").first()
    article.title = "晚报更正后的标题"
    article.save()
    ImportRun.objects.create(source=ImportRun.Source.COMMAND, paper=evening)
    return edition


@pytest.fixture
def their_article(theirs) -> Article:
    return Article.objects.filter(page__edition=theirs).order_by("pk").first()


@pytest.fixture
def morning_editor_client(make_editor, client):
    """An editor of 临江日报 only."""
    client.force_login(make_editor("morning", papers=[default_paper()]))
    return client


def changelist(model: str) -> str:
    return reverse(f"admin:editions_{model}_changelist")


@pytest.mark.parametrize(
    ("model", "paper_of"),
    [
        ("edition", lambda row: row.paper),
        ("page", lambda row: row.edition.paper),
        ("article", lambda row: row.page.edition.paper),
        ("section", lambda row: row.paper),
        ("importrun", lambda row: row.paper),
    ],
)
def test_lists_show_only_the_editors_papers(morning_editor_client, theirs, model, paper_of):
    ImportRun.objects.create(source=ImportRun.Source.ADMIN, paper=default_paper())
    response = morning_editor_client.get(changelist(model))
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows
    assert {paper_of(row).code for row in rows} == {"ljrb"}


def test_the_paper_filter_offers_only_the_editors_papers(morning_editor_client, theirs):
    response = morning_editor_client.get(changelist("article"))
    content = response.content.decode()
    assert "临江晚报" not in content


@pytest.mark.parametrize(
    "url",
    [
        lambda a: reverse("admin:editions_article_change", args=[a.pk]),
        lambda a: reverse("admin:editions_page_change", args=[a.page_id]),
        lambda a: reverse("admin:editions_edition_change", args=[a.page.edition_id]),
        lambda a: reverse("admin:editions_section_change", args=[a.page.section_id]),
    ],
)
def test_another_papers_rows_cannot_be_opened(morning_editor_client, their_article, url):
    response = morning_editor_client.get(url(their_article))
    # Django's admin answers a row outside get_queryset with a redirect and "does not exist".
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_another_papers_article_cannot_be_changed(morning_editor_client, their_article):
    url = reverse("admin:editions_article_change", args=[their_article.pk])
    morning_editor_client.post(url, {"title": "越权修改", "body": "", "correction_note": ""})
    their_article.refresh_from_db()
    assert their_article.title == "晚报更正后的标题"


def test_another_papers_history_and_revert_are_404(morning_editor_client, their_article):
    history = reverse("admin:editions_article_history", args=[their_article.pk])
    assert morning_editor_client.get(history).status_code == 404
    first = their_article.history.order_by("history_date").first()
    revert = reverse("admin:editions_article_simple_history", args=[their_article.pk, first.pk])
    assert morning_editor_client.get(revert).status_code == 404
    response = morning_editor_client.post(revert, {"title": first.title, "body": first.body})
    assert response.status_code == 404
    their_article.refresh_from_db()
    assert their_article.title == "晚报更正后的标题"


@pytest.mark.parametrize("object_id", ["abc", "1e3", "²", "-1", "9" * 30])
def test_an_odd_history_id_is_404_not_an_error(morning_editor_client, theirs, object_id):
    url = reverse("admin:editions_article_history", args=[object_id])
    assert morning_editor_client.get(url).status_code == 404


def test_another_papers_edition_cannot_be_published(morning_editor_client, theirs):
    morning_editor_client.post(
        changelist("edition"), {"action": "publish_editions", "_selected_action": [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.is_published is False


def test_the_upload_offers_only_the_editors_papers(morning_editor_client, evening, upload):
    url = reverse("admin:editions_importrun_upload")
    form = morning_editor_client.get(url).context["form"]
    assert list(form.fields["paper"].queryset) == [default_paper()]
    response = morning_editor_client.post(
        url,
        {"paper": evening.pk, "files": [upload("p2-1.txt", raw_page())], "date": "2024-08-02"},
    )
    assert response.status_code == 200
    assert "paper" in response.context["form"].errors
    assert not Edition.objects.filter(paper=evening).exists()


def test_the_page_autocomplete_offers_only_the_editors_papers(morning_editor_client, theirs):
    response = morning_editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "editions", "model_name": "article", "field_name": "page", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert ids
    assert ids == set(Page.objects.filter(edition__paper__code="ljrb").values_list("pk", flat=True))


def test_an_editor_of_both_papers_sees_both(make_editor, client, theirs, evening):
    client.force_login(make_editor("both", papers=[default_paper(), evening]))
    rows = client.get(changelist("edition")).context["cl"].result_list
    assert {row.paper.code for row in rows} == {"ljrb", "ljwb"}


def test_a_staff_member_of_no_paper_sees_no_rows(make_editor, client, theirs):
    client.force_login(make_editor("nobody", papers=[]))
    assert list(client.get(changelist("article")).context["cl"].result_list) == []


def test_papers_are_managed_by_superusers_only(morning_editor_client, superuser_client, evening):
    url = reverse("admin:editions_paper_changelist")
    assert morning_editor_client.get(url).status_code == 403
    assert superuser_client.get(url).status_code == 200
    change = reverse("admin:editions_paper_change", args=[evening.pk])
    assert superuser_client.get(change).status_code == 200


# --- a deleted article is not brought back by a revert without the right to add ----------


def test_an_editor_cannot_revert_a_deleted_article_into_existence(morning_editor_client, edition):
    article = Article.objects.filter(page__edition=edition).first()
    article.title = "待删除的稿件"
    article.save()
    version = article.history.order_by("history_date").first()
    pk = article.pk
    article.delete()
    url = reverse("admin:editions_article_simple_history", args=[pk, version.pk])
    response = morning_editor_client.post(url, {"title": version.title, "body": version.body})
    assert response.status_code == 403
    assert not Article.objects.filter(pk=pk).exists()


def test_sections_of_two_papers_may_share_a_name(superuser_client, evening):
    for paper in (default_paper(), evening):
        superuser_client.post(
            reverse("admin:editions_section_add"), {"paper": paper.pk, "name": "要闻", "slug": ""}
        )
    assert Section.objects.filter(name="要闻").count() == 2


def test_the_desk_names_the_editors_papers(morning_editor_client):
    content = morning_editor_client.get(reverse("admin:index")).content.decode()
    assert "临江日报" in content


def test_the_desk_tells_a_staff_member_of_no_paper_why_the_lists_are_empty(make_editor, client):
    client.force_login(make_editor("nobody", papers=[]))
    content = client.get(reverse("admin:index")).content.decode()
    assert "not an editor of any paper" in content or "尚未成为任何报纸的编辑" in content
