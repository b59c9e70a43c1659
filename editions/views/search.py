"""Search in the published articles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from .. import links, reading, seo
from ..models import Article, Paper


@dataclass(frozen=True)
class SearchHit:
    article: Article
    before: str
    match: str
    after: str


def search_hit(article: Article, terms: list[str], width: int = 40) -> SearchHit:
    """The article with a short stretch of its text around the first term found there.

    The title is shown anyway; when only the title matches, the story's opening stands in.
    """
    texts = [article.subtitle, *(b.text for b in article.blocks)]
    for text in texts:
        lowered = text.lower()
        for term in terms:
            at = lowered.find(term.lower())
            if at >= 0:
                start = max(0, at - width)
                end = min(len(text), at + len(term) + width * 2)
                return SearchHit(
                    article,
                    ("…" if start else "") + text[start:at],
                    text[at : at + len(term)],
                    text[at + len(term) : end] + ("…" if end < len(text) else ""),
                )
    return SearchHit(article, reading.excerpt(article, 80), "", "")


class SearchView(ListView):
    """Search the published articles' titles and text: of one paper (/ljrb/search/), or
    of every paper (/search/, narrowed with ?paper=ljrb)."""

    template_name = "editions/search.html"
    paginate_by = 20
    http_method_names = ["get", "head", "options"]

    @cached_property
    def query(self) -> str:
        # NUL cannot be stored, nor compared with, in a PostgreSQL text column.
        return " ".join(self.request.GET.get("q", "").replace("\x00", " ").split())[:100]

    @cached_property
    def papers(self) -> list[Paper]:
        return list(Paper.objects.listed())

    @cached_property
    def paper(self) -> Paper | None:
        """The paper searched, from the URL or ?paper=; None for all of them."""
        code = self.kwargs.get("paper")
        for paper in self.papers:
            if paper.code == (code or self.request.GET.get("paper", "")):
                return paper
        if code:
            raise Http404(_("There is no such paper."))
        return None  # an unknown ?paper= searches everywhere rather than failing

    def get_queryset(self):
        terms = self.query.split()
        if not terms:
            return Article.objects.none()
        articles = Article.objects.published()
        if self.paper is not None:
            articles = articles.filter(page__edition__paper=self.paper)
        for term in terms[:5]:
            articles = articles.filter(
                Q(title__icontains=term)
                | Q(kicker__icontains=term)
                | Q(subtitle__icontains=term)
                | Q(body__icontains=term)
            )
        return articles.select_related("page__edition__paper", "page__section").order_by(
            "-page__edition__date", "page__number", "position"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = self.query.split()[:5]
        context["query"] = self.query
        context["hits"] = [search_hit(article, terms) for article in context["object_list"]]
        # The paper of the URL brings its masthead; a choice of ?paper= only narrows.
        context["paper"] = self.paper if self.kwargs.get("paper") else None
        context["chosen_paper"] = self.paper
        context["papers"] = self.papers
        context["several_papers"] = len(self.papers) > 1
        where = self.paper.name if self.paper else settings.NEWSPAPER_GROUP_NAME
        title = _("Search") + " · " + where
        path = links.paper_url(self.paper, "search") if self.kwargs.get("paper") else None
        context["meta"] = seo.PageMeta.build(
            self.request,
            title=f"{self.query} · {title}" if self.query else title,
            description=_("Search the published articles."),
            path=path or reverse("editions:search-all"),
            noindex=True,
        )
        return context
