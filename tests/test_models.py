"""Model rules that readers' caches and editors rely on."""

import datetime

import pytest

from editions.models import Edition
from tests.factories import ArticleFactory, SectionFactory, build_edition

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def _age(edition):
    Edition.objects.filter(pk=edition.pk).update(updated_at=LONG_AGO)


def _fresh(edition) -> bool:
    return Edition.objects.get(pk=edition.pk).updated_at > LONG_AGO


def test_saving_an_article_marks_its_edition_changed():
    edition = build_edition(pages=1, articles_per_page=1)
    _age(edition)
    article = edition.pages.get().articles.get()
    article.title = "改过的标题"
    article.save()
    assert _fresh(edition)


def test_deleting_an_article_marks_its_edition_changed():
    edition = build_edition(pages=1, articles_per_page=2)
    _age(edition)
    edition.pages.get().articles.first().delete()
    assert _fresh(edition)


def test_deleting_pages_by_queryset_marks_their_edition_changed():
    edition = build_edition(pages=2, articles_per_page=1)
    _age(edition)
    edition.pages.filter(number=2).delete()
    assert _fresh(edition)


def test_renaming_a_section_marks_editions_showing_it_changed():
    edition = build_edition(pages=1, articles_per_page=1)
    other = build_edition(date=datetime.date(2024, 8, 3), pages=1, articles_per_page=0)
    section = edition.pages.get().section
    other.pages.update(section=SectionFactory(name="副刊", slug="fu-kan"))
    _age(edition)
    _age(other)
    section.name = "要闻（新）"
    section.save()
    assert _fresh(edition)
    assert not _fresh(other)


def test_article_is_corrected_when_its_text_differs_from_the_import():
    article = ArticleFactory(imported={"title": "原题", "body": ""}, title="原题", body="")
    assert not article.is_corrected
    article.title = "新题"
    article.save()
    assert article.is_corrected


def test_line_ends_alone_are_no_correction():
    article = ArticleFactory(
        title="原题",
        body="一段。\n\n二段。",
        imported={"title": "原题", "body": "一段。\n\n二段。"},
    )
    article.body = "一段。\r\n\r\n二段。"
    article.save()
    assert not article.is_corrected


def test_article_body_jump_keeps_continued_on_in_step():
    edition = build_edition(pages=4, articles_per_page=1)
    article = edition.pages.get(number=2).articles.get()
    article.body = "第一段。\n\n--- 第4版 ---\n\n转版后的一段。"
    article.save()
    assert article.page_numbers == [2, 4]
    assert list(article.continued_on.values_list("number", flat=True)) == [4]
    article.body = "第一段。"
    article.save()
    assert not article.continued_on.exists()
