"""Sitemaps for search engines (django.contrib.sitemaps): an index, one sitemap per paper
and year, and a Google News sitemap of the last two days' articles.

A year's sitemap lists the reader's page (版) and article URLs of the paper's
published editions of that year: the page and article views are the canonical
addresses (an edition's own address shows its first page, whose canonical URL is
that page's). A year of a large paper can pass the protocol's 50,000 URLs; the
sitemap is then split into ``?p=2``… as Django's sitemaps do, and the index lists
every part.

Nothing here grows with the archive but the rows it lists: the index is one
aggregate query (pages and articles counted per paper and year, with the last
change), and a year's sitemap reads only that year's rows, fetched a part at a
time (:class:`YearEntries`). ``lastmod`` is the edition's ``updated_at``, which every
change to an edition or anything in it moves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import links
from .models import Article, Edition, Page, Paper

#: The protocol's limit of URLs in one sitemap file.
URLS_PER_SITEMAP = 50_000
#: Google News takes the articles of the last two days, at most 1,000 a sitemap.
NEWS_DAYS = 2
NEWS_LIMIT = 1000
NEWS_SECTION = "news"


class EditionRef(NamedTuple):
    """What ``editions.links`` needs of an edition to build its URLs, without loading it."""

    paper: Paper
    date: datetime.date
    code: str


@dataclass(frozen=True, slots=True)
class Entry:
    location: str
    lastmod: datetime.datetime


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


class YearEntries:
    """The page and article URLs of one paper's published editions of one year, pages first.

    Django's sitemap paginator asks for ``count()`` and a slice; a slice reads just
    its rows (``values_list``, no model instances), so a part of 50,000 URLs is two
    queries, and a year is never read whole into memory for one part.
    """

    def __init__(self, paper: Paper, year: int, *, pages: int | None = None, articles=None):
        self.paper = paper
        self.year = year
        self._pages = pages
        self._articles = articles

    @cached_property
    def editions(self):
        start, end = _year_range(self.year)
        return Edition.objects.published().filter(paper=self.paper, date__gte=start, date__lt=end)

    def _page_rows(self):
        return (
            Page.objects.filter(edition__in=self.editions)
            .order_by("edition__date", "edition__code", "number")
            .values_list("edition__date", "edition__code", "edition__updated_at", "number")
        )

    def _article_rows(self):
        return (
            Article.objects.published()
            .filter(page__edition__in=self.editions)
            .order_by("page__edition__date", "page__edition__code", "page__number", "position")
            .values_list(
                "page__edition__date",
                "page__edition__code",
                "page__edition__updated_at",
                "page__number",
                "position",
            )
        )

    @property
    def pages(self) -> int:
        if self._pages is None:
            self._pages = self._page_rows().count()
        return self._pages

    @property
    def articles(self) -> int:
        if self._articles is None:
            self._articles = self._article_rows().count()
        return self._articles

    def count(self) -> int:
        return self.pages + self.articles

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[Entry]:
        start, stop, _ = part.indices(self.count())
        entries: list[Entry] = []
        if start < self.pages:
            rows = self._page_rows()[start : min(stop, self.pages)]
            entries.extend(self._page_entry(*row) for row in rows)
        if stop > self.pages:
            rows = self._article_rows()[max(0, start - self.pages) : stop - self.pages]
            entries.extend(self._article_entry(*row) for row in rows)
        return entries

    def _page_entry(self, date, code, updated, number) -> Entry:
        edition = EditionRef(self.paper, date, code)
        return Entry(links.edition_url(edition, "page", number=number), updated)

    def _article_entry(self, date, code, updated, number, position) -> Entry:
        edition = EditionRef(self.paper, date, code)
        url = links.edition_url(edition, "article", number=number, position=position)
        return Entry(url, updated)


class PaperYearSitemap(Sitemap):
    """One paper's pages and articles of one year."""

    limit = URLS_PER_SITEMAP

    def __init__(self, entries: YearEntries, latest: datetime.datetime | None = None):
        self.entries = entries
        self.latest = latest

    def items(self) -> YearEntries:
        return self.entries

    def location(self, entry: Entry) -> str:
        return entry.location

    def lastmod(self, entry: Entry) -> datetime.datetime:
        return entry.lastmod

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return self.latest


class NewsSitemap(Sitemap):
    """Google News: the articles of the editions of the last two days, newest first."""

    limit = NEWS_LIMIT

    def items(self) -> list[Article]:
        articles = list(
            Article.objects.published()
            .filter(page__edition__date__gte=self.since())
            .select_related("page__edition__paper")
            .only(
                "title",
                "position",
                "page__number",
                "page__edition__date",
                "page__edition__code",
                "page__edition__updated_at",
                "page__edition__paper__code",
                "page__edition__paper__name",
                "page__edition__paper__language",
            )
            .order_by("-page__edition__date", "page__edition__paper", "page__number", "position")[
                :NEWS_LIMIT
            ]
        )
        for article in articles:
            article.news_language = news_language(article.page.edition.paper.language)
        return articles

    def since(self) -> datetime.date:
        return timezone.localdate() - datetime.timedelta(days=NEWS_DAYS - 1)

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    @cached_property
    def paginator(self) -> Paginator:
        # Django's is a plain property: read once, for the index's lastmod and its parts.
        return Paginator(self._items(), self.limit)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # From the rows the index's paginator has read anyway: no query of its own.
        return max((self.lastmod(a) for a in self.paginator.object_list), default=None)

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.page.edition.updated_at


def news_language(language: str) -> str:
    """Google News' language codes: ISO 639, with zh-cn and zh-tw for the two scripts."""
    lowered = language.lower()
    if lowered.startswith("zh"):
        return "zh-tw" if ("hant" in lowered or lowered in {"zh-tw", "zh-hk"}) else "zh-cn"
    return lowered.split("-")[0]


class Sections:
    """The sitemaps of the index, by name (``ljrb-2024``, ``news``), as the views want them.

    ``items()`` (the index) counts every paper's years in one aggregate query; a single
    section (``[name]``) is built for its one request.
    """

    def items(self) -> Iterator[tuple[str, Sitemap]]:
        rows = (
            Page.objects.filter(edition__in=Edition.objects.published())
            .annotate(year=ExtractYear("edition__date"))
            .values("edition__paper__code", "year")
            .annotate(
                pages=Count("pk", distinct=True),
                articles=Count("articles"),
                latest=Max("edition__updated_at"),
            )
            .order_by("edition__paper__code", "year")
        )
        for row in rows:
            paper = Paper(code=row["edition__paper__code"])  # all a URL needs of it
            entries = YearEntries(paper, row["year"], pages=row["pages"], articles=row["articles"])
            yield f"{paper.code}-{row['year']}", PaperYearSitemap(entries, row["latest"])
        yield NEWS_SECTION, NewsSitemap()

    def _find(self, name: str) -> Sitemap | None:
        if name == NEWS_SECTION:
            return NewsSitemap()
        code, _, year = name.rpartition("-")
        if not (year.isdigit() and len(year) == 4):
            return None
        paper = Paper.objects.listed().filter(code=code).first()
        if paper is None:
            return None
        entries = YearEntries(paper, int(year))
        latest = entries.editions.aggregate(latest=Max("updated_at"))["latest"]
        return PaperYearSitemap(entries, latest) if latest else None

    def __contains__(self, name: str) -> bool:
        self._found = (name, self._find(name))
        return self._found[1] is not None

    def __getitem__(self, name: str) -> Sitemap:
        if getattr(self, "_found", (None,))[0] == name:
            return self._found[1]
        found = self._find(name)
        if found is None:
            raise KeyError(name)
        return found


@require_safe
def index(request):
    return sitemap_views.index(
        request,
        Sections(),
        template_name="machine/sitemap_index.xml",
        sitemap_url_name="machine:sitemap-section",
    )


@require_safe
def section(request, section: str):
    template = "machine/news_sitemap.xml" if section == NEWS_SECTION else "machine/sitemap.xml"
    return sitemap_views.sitemap(request, Sections(), section=section, template_name=template)


@require_safe
def robots(request):
    """robots.txt: crawl the readers' pages, leave the desk alone, read the sitemap index."""
    sitemap_url = request.build_absolute_uri(reverse("machine:sitemap-index"))
    return render(
        request, "machine/robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )
