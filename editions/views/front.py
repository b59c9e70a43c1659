"""The site's front door: the one paper's latest edition, or the titles of the group.

Also the permanent redirects from the links of single-paper releases
(/2024-08-02/page/2/) to the same place in the first paper (/ljrb/2024-08-02/page/2/).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import RedirectView, TemplateView

from .. import seo
from ..models import Article, Edition, Page, Paper
from ..printed.display import PrintedPage, printed_page
from .edition import HEADLINE_FIELDS, LatestEditionView

#: Front-page headlines shown per paper on the titles' page.
FRONT_HEADLINES = 6


@dataclass(frozen=True)
class Title:
    """One paper on the front page: its latest edition and that edition's first page."""

    paper: Paper
    edition: Edition | None
    front_page: Page | None
    headlines: list[Article]
    #: The front page as printed, when it has an image: shown on the paper's card.
    printed: PrintedPage | None = None


class FrontPageView(TemplateView):
    """/: with one paper, its latest edition; with several, every title side by side.

    The titles' page costs four queries however many papers there are: the
    papers with their latest edition's id, those editions, their first pages,
    and those pages' headlines.
    """

    template_name = "editions/front_page.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        latest = (
            Edition.objects.published()
            .filter(paper=OuterRef("pk"))
            .order_by("-date", "-code")
            .values("pk")[:1]
        )
        self.papers = list(Paper.objects.listed().annotate(latest_id=Subquery(latest)))
        if len(self.papers) == 1:
            return LatestEditionView.as_view()(request, paper=self.papers[0].code)
        return super().get(request, *args, **kwargs)

    def titles(self) -> list[Title]:
        editions = Edition.objects.in_bulk([p.latest_id for p in self.papers if p.latest_id])
        first_pages = {
            page.edition_id: page for page in Page.objects.filter(edition__in=editions, number=1)
        }
        headlines: dict[int, list[Article]] = {page.pk: [] for page in first_pages.values()}
        rows = Article.objects.filter(page__in=first_pages.values()).only(*HEADLINE_FIELDS)
        for article in rows.order_by("page", "position"):
            headlines[article.page_id].append(article)
        titles = []
        for paper in self.papers:
            edition = editions.get(paper.latest_id)
            page = first_pages.get(edition.pk) if edition else None
            if edition is not None:
                edition.paper = paper
            if page is not None:
                page.edition = edition
                for article in headlines[page.pk]:
                    article.page = page
            listed = headlines[page.pk][:FRONT_HEADLINES] if page else []
            printed = printed_page(page) if page is not None else None
            titles.append(Title(paper, edition, page, listed, printed))
        return titles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = settings.NEWSPAPER_GROUP_NAME
        titles = self.titles()
        context.update(
            titles=titles,
            meta=seo.PageMeta.build(
                self.request,
                title=site,
                description=_("Today's papers of %(group)s: %(papers)s.")
                % {"group": site, "papers": "、".join(t.paper.name for t in titles)},
                path=reverse("editions:home"),
            ),
        )
        return context


class OldAddressRedirect(RedirectView):
    """A link of a single-paper release: on to the same place in the first paper, for good."""

    permanent = True

    def get_redirect_url(self, *args, route_name: str, **kwargs) -> str:
        paper = Paper.objects.order_by("position", "code").values_list("code", flat=True).first()
        if paper is None:
            raise Http404(_("There is no such paper."))
        url = reverse(f"editions:{route_name}", kwargs={"paper": paper, **kwargs})
        query = self.request.META.get("QUERY_STRING", "")
        return f"{url}?{query}" if query else url
