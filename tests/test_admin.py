"""The editors' desk loads, lists what editors need, and costs a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from editions.models import Article, Edition, ImportRun, Page, Section
from tests.factories import SectionFactory, build_edition

CHANGELISTS = ["edition", "page", "article", "section", "importrun"]


def changelist(model: str) -> str:
    return reverse(f"admin:editions_{model}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:editions_{model}_change", args=[pk])


@pytest.fixture
def import_run(superuser) -> ImportRun:
    return ImportRun.objects.create(
        source=ImportRun.Source.ADMIN,
        user=superuser,
        files=3,
        created=2,
        failed=1,
        failures=["bad.txt: empty file"],
    )


def more_editions(count: int) -> None:
    for offset in range(1, count + 1):
        build_edition(date=datetime.date(2024, 9, 1) + datetime.timedelta(days=offset))
    for run in range(count):
        ImportRun.objects.create(source=ImportRun.Source.COMMAND, files=run)


# --- changelists -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "max_queries"),
    # the import list also settles runs whose process died: two more queries
    [("edition", 8), ("page", 9), ("article", 12), ("section", 6), ("importrun", 10)],
)
def test_changelist_loads_with_pinned_queries(
    superuser_client, edition, import_run, django_assert_max_num_queries, model, max_queries
):
    # The steady state: the content-type cache is per process and warm after any request,
    # so whichever test ran before, the measured request counts the same queries.
    superuser_client.get(changelist(model))
    with django_assert_max_num_queries(max_queries):
        response = superuser_client.get(changelist(model))
    assert response.status_code == 200


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(superuser_client, edition, count_queries, model):
    url = changelist(model)
    ImportRun.objects.create(source=ImportRun.Source.COMMAND)
    few = count_queries(lambda: superuser_client.get(url))
    more_editions(3)
    assert count_queries(lambda: superuser_client.get(url)) == few


def test_edition_list_counts_pages_articles_and_corrections(superuser_client, edition):
    article = Article.objects.filter(page__edition=edition).first()
    article.imported = {**article.text_values(), "title": "导入时的标题"}
    article.save()
    response = superuser_client.get(changelist("edition"))
    row = response.context["cl"].result_list.get(pk=edition.pk)
    assert (row.page_total, row.article_total, row.corrected_total) == (4, 12, 1)


def test_article_list_shows_edition_date_page_and_corrected_state(superuser_client, edition):
    response = superuser_client.get(changelist("article"))
    content = response.content.decode()
    assert "2024-08-02" in content
    assert "第1版第1篇" in content
    assert response.context["cl"].result_count == 12


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "第2版第3篇"}, 1),
        ({"q": "第3版第1篇的第一段"}, 1),  # the body is searched too
        ({"edition": "2024-08-02"}, 12),
        ({"page": "2"}, 3),
        ({"is_corrected__exact": "1"}, 0),
    ],
)
def test_article_list_search_and_filters(superuser_client, edition, query, expected):
    build_edition(date=datetime.date(2024, 8, 3), pages=1, articles_per_page=1)
    response = superuser_client.get(changelist("article"), query)
    assert response.context["cl"].result_count == expected


def test_article_list_filters_by_section(superuser_client, edition):
    other = SectionFactory(name="经济", slug="jing-ji")
    Page.objects.filter(edition=edition, number=3).update(section=other)
    response = superuser_client.get(changelist("article"), {"page__section__id__exact": other.pk})
    assert response.context["cl"].result_count == 3


def test_section_list_counts_pages(superuser_client, edition):
    response = superuser_client.get(changelist("section"))
    section = response.context["cl"].result_list.get(slug="yao-wen")
    assert section.page_total == 4


# --- change views ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "max_queries"),
    # a page's form also loads its regions and the articles printed on it (the region editor)
    [("edition", 6), ("page", 8), ("article", 4), ("section", 4), ("importrun", 5)],
)
def test_change_view_loads_with_pinned_queries(
    superuser_client, edition, import_run, django_assert_max_num_queries, model, max_queries
):
    objects = {
        "edition": edition,
        "page": edition.pages.get(number=1),
        "article": Article.objects.filter(page__edition=edition).first(),
        "section": Section.objects.first(),
        "importrun": import_run,
    }
    superuser_client.get(change(model, objects[model].pk))  # warm, as above
    with django_assert_max_num_queries(max_queries):
        response = superuser_client.get(change(model, objects[model].pk))
    assert response.status_code == 200


def test_page_change_view_queries_do_not_grow_with_its_articles(superuser_client, count_queries):
    small = build_edition(date=datetime.date(2024, 8, 3), pages=1, articles_per_page=1)
    large = build_edition(date=datetime.date(2024, 8, 4), pages=1, articles_per_page=12)
    few = count_queries(lambda: superuser_client.get(change("page", small.pages.get().pk)))
    many = count_queries(lambda: superuser_client.get(change("page", large.pages.get().pk)))
    assert many == few


def test_edition_change_view_queries_do_not_grow_with_its_pages(superuser_client, count_queries):
    small = build_edition(date=datetime.date(2024, 8, 3), pages=1, articles_per_page=1)
    large = build_edition(date=datetime.date(2024, 8, 4), pages=12, articles_per_page=2)
    few = count_queries(lambda: superuser_client.get(change("edition", small.pk)))
    many = count_queries(lambda: superuser_client.get(change("edition", large.pk)))
    assert many == few


def test_page_change_view_lists_its_articles_in_page_order(superuser_client, edition):
    page = edition.pages.get(number=2)
    response = superuser_client.get(change("page", page.pk))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.position for form in formset.forms] == [1, 2, 3]


def test_article_change_view_explains_the_body_format(superuser_client, edition):
    article = Article.objects.filter(page__edition=edition).first()
    response = superuser_client.get(change("article", article.pk))
    assert "## " in response.content.decode()
    assert 'class="article-body"' in response.content.decode()


def test_article_change_view_does_not_edit_placement_or_continuations(superuser_client, edition):
    article = Article.objects.filter(page__edition=edition).first()
    form = superuser_client.get(change("article", article.pk)).context["adminform"].form
    assert not {"page", "position", "continued_on", "imported"} & set(form.fields)


def test_article_change_view_links_to_the_reader_site(superuser_client, edition):
    article = Article.objects.filter(page__edition=edition).first()
    response = superuser_client.get(change("article", article.pk))
    assert response.context["has_absolute_url"]
    assert "viewsitelink" in response.content.decode()


def test_article_change_view_shows_the_imported_text_beside_the_correction(
    superuser_client, imported_article
):
    imported_article.title = "更正后的标题"
    imported_article.save()
    response = superuser_client.get(change("article", imported_article.pk))
    content = response.content.decode()
    assert "<del>第1版第1篇</del>" in content
    assert "<ins>更正后的标题</ins>" in content


def test_import_runs_are_read_only(superuser_client, import_run):
    response = superuser_client.get(change("importrun", import_run.pk))
    assert not response.context["has_change_permission"]
    assert "bad.txt: empty file" in response.content.decode()
    assert superuser_client.get(reverse("admin:editions_importrun_add")).status_code == 403


def test_import_run_list_links_to_the_upload_page(superuser_client):
    response = superuser_client.get(changelist("importrun"))
    assert reverse("admin:editions_importrun_upload") in response.content.decode()


def test_admin_index_links_to_the_upload_page(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert reverse("admin:editions_importrun_upload") in response.content.decode()


def test_admin_speaks_chinese_by_default(superuser_client):
    response = superuser_client.get(changelist("edition"))
    assert response.headers["Content-Language"] == "zh-hans"
    assert "首页" in response.content.decode()


def test_renaming_a_section_renames_it_on_every_page(superuser_client, edition):
    section = Section.objects.get(slug="yao-wen")
    response = superuser_client.post(
        change("section", section.pk), {"name": "综合新闻", "slug": "yao-wen"}
    )
    assert response.status_code == 302
    assert {page.section.name for page in edition.pages.select_related("section")} == {"综合新闻"}


def test_a_new_section_gets_a_pinyin_slug_when_none_is_given(superuser_client, paper):
    superuser_client.post(
        reverse("admin:editions_section_add"), {"paper": paper.pk, "name": "理论特刊", "slug": ""}
    )
    assert Section.objects.get(paper=paper, name="理论特刊").slug == "li-lun-te-kan"


def test_publishing_updates_the_edition_timestamp(superuser_client, edition):
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    before = Edition.objects.get(pk=edition.pk).updated_at
    superuser_client.post(
        changelist("edition"), {"action": "publish_editions", "_selected_action": [edition.pk]}
    )
    assert Edition.objects.get(pk=edition.pk).updated_at > before


@pytest.mark.parametrize("model", ["edition", "page", "article", "section"])
def test_add_view_loads(superuser_client, edition, model):
    assert superuser_client.get(reverse(f"admin:editions_{model}_add")).status_code == 200


def test_an_edition_added_without_the_publish_permission_waits_unpublished(
    client, staff_with, paper
):
    client.force_login(staff_with("add_edition", "view_edition"))
    client.post(
        reverse("admin:editions_edition_add"),
        {
            "paper": paper.pk,
            "date": "2024-09-01",
            "is_published": "on",
            "pages-TOTAL_FORMS": "0",
            "pages-INITIAL_FORMS": "0",
            "pages-MIN_NUM_FORMS": "0",
            "pages-MAX_NUM_FORMS": "1000",
        },
    )
    assert Edition.objects.get(date="2024-09-01").is_published is False
