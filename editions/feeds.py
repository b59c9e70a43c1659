"""RSS 2.0 and Atom feeds (django.contrib.syndication), for news readers and aggregators.

* A paper's feed has one entry per published edition, newest first: its front page's
  headlines, linking to the edition.
* A section's feed has the section's articles, newest first, each with its opening.

What is public comes from ``Edition.objects.published()`` and
``Article.objects.published()`` alone; links from ``editions.links``. A feed costs
the same few queries whatever the size of the archive: the paper (or section), the
entries, and for a paper's feed the front pages' headlines of those entries at once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from . import links, reading, seo
from .models import Article, Edition, Paper, Section

#: How many entries a feed carries: about three weeks of a daily paper.
EDITION_ENTRIES = 20
ARTICLE_ENTRIES = 30


def paper_of(obj: Paper | Section) -> Paper:
    return obj.paper if isinstance(obj, Section) else obj


def _day_start(day: datetime.date) -> datetime.datetime:
    """An edition's date as the moment it came out: the start of its day, in the site's zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PaperFeed(Feed):
    """A feed in its paper's language, not the language the reader's browser asked for."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = paper_of(obj).language
        return feed


class PaperEditionsFeed(PaperFeed):
    """A paper's new editions (RSS 2.0): ``/feeds/ljrb/rss/``."""

    feed_type = Rss201rev2Feed
    description_template = "machine/feeds/edition_description.html"

    def get_object(self, request, paper: str) -> Paper:
        return get_object_or_404(Paper.objects.listed(), code=paper)

    def title(self, paper: Paper) -> str:
        return paper.name

    def subtitle(self, paper: Paper) -> str:
        return paper.subtitle or paper.name

    description = subtitle

    def link(self, paper: Paper) -> str:
        return links.paper_url(paper)

    def feed_url(self, paper: Paper) -> str:
        return reverse(f"machine:paper-{self.kind}", kwargs={"paper": paper.code})

    kind = "rss"

    def items(self, paper: Paper) -> list[Edition]:
        editions = list(
            Edition.objects.published()
            .filter(paper=paper)
            .order_by("-date", "-code")[:EDITION_ENTRIES]
        )
        front: dict[int, list[Article]] = defaultdict(list)
        rows = (
            Article.objects.published()
            .filter(page__edition__in=[e.pk for e in editions], page__number=1)
            .only("page__edition_id", "page__number", "position", "kicker", "title")
            .select_related("page")
            .order_by("position")
        )
        for article in rows:
            front[article.page.edition_id].append(article)
        for edition in editions:
            edition.paper = paper
            edition.front_headlines = front[edition.pk]
            for article in edition.front_headlines:
                article.page.edition = edition
        return editions

    def item_title(self, edition: Edition) -> str:
        return seo.edition_heading(edition)

    def item_link(self, edition: Edition) -> str:
        return links.edition_url(edition)

    def item_pubdate(self, edition: Edition) -> datetime.datetime:
        return _day_start(edition.date)

    def item_updateddate(self, edition: Edition) -> datetime.datetime:
        return edition.updated_at

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = kwargs["request"]
        context["headlines"] = [
            (article, request.build_absolute_uri(article.get_absolute_url()))
            for article in kwargs["item"].front_headlines
        ]
        return context


class PaperEditionsAtomFeed(PaperEditionsFeed):
    """The same entries as Atom 1.0: ``/feeds/ljrb/atom/``."""

    feed_type = Atom1Feed
    kind = "atom"


class SectionArticlesFeed(PaperFeed):
    """A section's articles, newest first (RSS 2.0): ``/feeds/ljrb/sections/yao-wen/rss/``."""

    feed_type = Rss201rev2Feed
    kind = "rss"

    def get_object(self, request, paper: str, section: str) -> Section:
        found = (
            Section.objects.filter(
                paper__in=Paper.objects.listed(), paper__code=paper, slug=section
            )
            .select_related("paper")
            .first()
        )
        if found is None:
            raise Http404(_("There is no such section."))
        return found

    def title(self, section: Section) -> str:
        return f"{section.paper.name} · {section.name}"

    def description(self, section: Section) -> str:
        return f"{section.paper.name} · {section.name}"

    subtitle = description

    def link(self, section: Section) -> str:
        return links.paper_url(section.paper)

    def feed_url(self, section: Section) -> str:
        kwargs = {"paper": section.paper.code, "section": section.slug}
        return reverse(f"machine:section-{self.kind}", kwargs=kwargs)

    def items(self, section: Section) -> list[Article]:
        articles = list(
            Article.objects.published()
            .filter(page__section=section)
            .select_related("page__edition")
            .order_by("-page__edition__date", "-page__edition__code", "page__number", "position")[
                :ARTICLE_ENTRIES
            ]
        )
        for article in articles:
            article.page.edition.paper = section.paper
            article.page.section = section
        return articles

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        return render_to_string(
            "machine/feeds/article_description.html",
            {"article": article, "excerpt": reading.excerpt(article, 240)},
        )

    def item_link(self, article: Article) -> str:
        return article.get_absolute_url()

    def item_author_name(self, article: Article) -> str:
        return article.byline

    def item_categories(self, article: Article) -> list[str]:
        return [article.page.section.name]

    def item_pubdate(self, article: Article) -> datetime.datetime:
        return _day_start(article.page.edition.date)

    def item_updateddate(self, article: Article) -> datetime.datetime:
        return article.updated_at


class SectionArticlesAtomFeed(SectionArticlesFeed):
    feed_type = Atom1Feed
    kind = "atom"
