"""Fixtures for the reader's tests; import the ones a module uses from here.

from tests.reader_fixtures import jumping_edition, staff_client  # noqa: F401
"""

import datetime

import pytest

from editions.models import Article, Section
from tests.factories import ArticleFactory, EditionFactory, PageFactory, build_edition

#: A story printed on page 2 that jumps to page 4, as in the shared seed page.
JUMP_BODY = (
    "第一段，在第2版。\n\n"
    "## 深调研，报告见真章\n\n"
    "第二段，仍在第2版。\n\n"
    "--- 第4版 ---\n\n"
    "第三段，接续于第4版。\n\n"
    "## 真协商\n\n"
    "第四段，全文结束。"
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def reader_client(client, django_user_model):
    """A logged-in reader who is not staff: sees what anonymous readers see."""
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    return client


@pytest.fixture
def jumping_edition(db):
    """2024-08-02: 4 pages × 3 articles; page 2's first article jumps to page 4."""
    edition = build_edition(date=datetime.date(2024, 8, 2))
    story = Article.objects.get(page__edition=edition, page__number=2, position=1)
    story.kicker = "专题协商会侧记"
    story.title = "助力推动政策从“纸上”落到“地上”"
    story.subtitle = "自治区政协专题协商会侧记"
    story.byline = "本报记者 张三 李四"
    story.body = JUMP_BODY
    story.save()
    section = Section.objects.create(name="理论特刊", slug="li-lun-te-kan")
    page = edition.pages.get(number=3)
    page.name = "理论特刊 ④"
    page.section = section
    page.editor = "王五"
    page.save()
    edition.refresh_from_db()
    return edition


@pytest.fixture
def make_edition(db):
    """Build a published edition of any size: make_edition(date, pages=, per_page=)."""

    def make(date=datetime.date(2024, 8, 2), pages=4, per_page=3, published=True):
        return build_edition(
            date=date, pages=pages, articles_per_page=per_page, published=published
        )

    return make


@pytest.fixture
def hostile_edition(db):
    """An edition whose every text field carries markup that must come out escaped."""
    edition = EditionFactory(date=datetime.date(2024, 8, 3))
    page = PageFactory(edition=edition, number=1, name=f"要闻{HOSTILE}")
    ArticleFactory(
        page=page,
        position=1,
        kicker=HOSTILE,
        title=f"标题{HOSTILE}",
        subtitle=HOSTILE,
        byline=HOSTILE,
        body=f"正文{HOSTILE}\n\n## 小标题{HOSTILE}\n\n</script><script>alert(2)</script>",
    )
    return edition


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts without rendered pages from another (the cache outlives tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
