"""factory_boy factories: small editions built in a line, for tests that need rows."""

import datetime

import factory
from django.conf import settings

from editions.models import Article, Edition, Page, Paper, Section


class PaperFactory(factory.django.DjangoModelFactory):
    """A paper by its code; the first paper (made by a data migration) by default."""

    class Meta:
        model = Paper
        django_get_or_create = ("code",)

    code = factory.LazyFunction(lambda: settings.NEWSPAPER_CODE)
    name = factory.LazyAttribute(
        lambda paper: (
            settings.NEWSPAPER_NAME if paper.code == settings.NEWSPAPER_CODE else f"{paper.code}报"
        )
    )


def default_paper() -> Paper:
    """The installation's first paper (transactional tests flush it: it is made again)."""
    return PaperFactory()


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("paper", "name")

    paper = factory.LazyFunction(default_paper)
    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    paper = factory.LazyFunction(default_paper)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    is_published = True


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda page: f"{page.number:02d}")
    name = "要闻"
    section = factory.SubFactory(
        SectionFactory,
        paper=factory.SelfAttribute("..edition.paper"),
        name="要闻",
        slug="yao-wen",
    )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    page = factory.SubFactory(PageFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"测试标题第{n}号")
    body = "第一段正文。\n\n## 小标题\n\n第二段正文。"


def build_edition(
    date=datetime.date(2024, 8, 2),
    pages=4,
    articles_per_page=3,
    published=True,
    paper=None,
    code="",
    name="",
):
    """An edition with numbered pages and articles, every page's articles in order."""
    edition = EditionFactory(
        date=date, is_published=published, paper=paper or default_paper(), code=code, name=name
    )
    for number in range(1, pages + 1):
        page = PageFactory(edition=edition, number=number, name=f"要闻{number}")
        for position in range(1, articles_per_page + 1):
            ArticleFactory(
                page=page,
                position=position,
                title=f"第{number}版第{position}篇",
                body=f"第{number}版第{position}篇的第一段。\n\n## 小标题\n\n第二段。",
            )
    return edition


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
