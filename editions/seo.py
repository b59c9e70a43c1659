"""What the reader's pages tell search engines and link previews.

Each view builds one ``PageMeta`` (title, description, canonical URL, Open
Graph type); ``base.html`` renders it. Articles add schema.org
``NewsArticle`` data with the print placement (edition, section, page).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import dateformat
from django.utils.translation import get_language, gettext, pgettext

from .models import Article, Edition, Page


def long_date(value: datetime.date) -> str:
    """The date with its weekday, as a masthead prints it: 2024年8月2日 星期五."""
    return _long_date(value, get_language())


@functools.lru_cache(maxsize=1024)
def _long_date(value: datetime.date, language: str | None) -> str:
    """Formatted once per date and language (``language`` is the active one): an edition's
    page asks three times (date line, title, JSON-LD), 20 µs each with ``dateformat``."""
    return dateformat.format(value, pgettext("date with weekday", "l, F j, Y"))


@receiver(setting_changed)
def _forget_dates(*, setting, **kwargs) -> None:
    """Other translations, other words for the same date."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _long_date.cache_clear()


def page_label(page: Page) -> str:
    """第02版."""
    return gettext("Page %(label)s") % {"label": page.label}


def page_heading(page: Page) -> str:
    """第02版：要闻 (the page's label and name as the paper prints them)."""
    if page.name:
        return gettext("Page %(label)s: %(name)s") % {"label": page.label, "name": page.name}
    return page_label(page)


def print_section(page: Page) -> str:
    """The section a page is printed in, or the page's own name when it has none."""
    return page.section.name if page.section else page.name


def edition_heading(edition: Edition) -> str:
    """临江日报 2024年8月2日 星期五 (号外)."""
    parts = (edition.paper.name, long_date(edition.date), edition.name)
    return " ".join(part for part in parts if part)


def og_locale() -> str:
    return "zh_CN" if (get_language() or "").startswith("zh") else "en_US"


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    published: datetime.date | None = None
    section: str = ""
    noindex: bool = False

    @classmethod
    def build(cls, request: HttpRequest, *, title: str, description: str, path: str, **extra):
        return cls(
            title=title,
            description=" ".join(description.split())[:300],
            canonical=request.build_absolute_uri(path),
            **extra,
        )


def news_article_data(article: Article, *, canonical: str, description: str, pages) -> dict:
    """schema.org NewsArticle, with where the story sits in the printed paper."""
    page = article.page
    edition = page.edition
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": description,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "inLanguage": edition.paper.language,
        "datePublished": edition.date.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "printEdition": edition_heading(edition),
        "printSection": print_section(page),
        "printPage": ", ".join(p.label for p in pages),
        "isPartOf": {
            "@type": "PublicationIssue",
            "datePublished": edition.date.isoformat(),
            "isPartOf": {"@type": "Periodical", "name": edition.paper.name},
        },
        "publisher": {"@type": "Organization", "name": settings.NEWSPAPER_GROUP_NAME},
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    if article.byline:
        # A byline such as 本报记者 张三 李四 credits several people with their roles;
        # it is kept as printed rather than guessed into Person objects.
        data["creditText"] = article.byline
    return data
