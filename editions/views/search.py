"""Search in the published articles: of one paper (/ljrb/search/) or of every paper
(/search/, narrowed with ?paper=ljrb). The search itself lives on the queryset
(``Article.objects.search``, see :mod:`editions.search`); this view reads the
request, asks for one page and the facets, and marks the words in the hits.

Three queries whatever the results: the papers, the page of results, the facets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .. import links, reading, seo
from ..filters import ArticleSearchFilter
from ..models import Article, Paper
from ..search import highlight
from ..search.query import MAX_QUERY_LENGTH, parse
from ..search.queryset import FACET_LIMIT, ORDERS


@dataclass(frozen=True)
class SearchHit:
    article: Article
    title: list[highlight.Part]
    kicker: list[highlight.Part]
    subtitle: list[highlight.Part]
    snippet: list[highlight.Part]


def search_hit(article: Article, words: tuple[str, ...]) -> SearchHit:
    """The article with the reader's words marked; the story's opening stands in for a
    snippet when only the headline matched."""
    texts = [article.byline, *(block.text for block in article.blocks)]
    snippet = highlight.snippet(texts, words) or [highlight.Part(reading.excerpt(article, 100))]
    return SearchHit(
        article,
        highlight.marked(article.title, words),
        highlight.marked(article.kicker, words),
        highlight.marked(article.subtitle, words),
        snippet,
    )


def _cursor(value: str | None) -> int | None:
    try:
        cursor = int(value or "")
    except ValueError:
        return None
    return cursor if 0 <= cursor < 1 << 62 else None


class SearchView(TemplateView):
    template_name = "editions/search.html"
    http_method_names = ["get", "head", "options"]
    page_size = 20

    @cached_property
    def papers(self) -> list[Paper]:
        return list(Paper.objects.listed())

    @cached_property
    def paper(self) -> Paper | None:
        """The paper of the URL; a 404 for one readers cannot see."""
        code = self.kwargs.get("paper")
        if code is None:
            return None
        for paper in self.papers:
            if paper.code == code:
                return paper
        raise Http404(_("There is no such paper."))

    def link(self, **changes) -> str:
        """This search with some parameters changed (None removes one); back to the first page."""
        params = self.request.GET.copy()
        params.pop("after", None)
        for name, value in changes.items():
            params.pop(name, None)
            if value is not None:
                params[name] = value
        return "?" + params.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = parse(self.request.GET.get("q", ""))
        articles = Article.objects.published().select_related(
            "page__edition__paper", "page__section"
        )
        if self.paper is not None:
            articles = articles.filter(page__edition__paper=self.paper)
        data = self.request.GET.copy() if self.paper is None else _without(self.request.GET)
        filters = ArticleSearchFilter(
            data, queryset=articles, papers=[] if self.paper else self.papers
        )
        valid = filters.is_valid()
        order = (filters.form.cleaned_data.get("order") if valid else None) or ORDERS[0]
        chosen = next(
            (p for p in self.papers if p.code == filters.form.cleaned_data.get("paper")),
            self.paper,
        )
        context.update(
            query=query.text,
            notices=query.notices,
            filters=filters,
            order=order,
            paper=self.paper,
            chosen_paper=chosen,
            papers=self.papers,
            several_papers=len(self.papers) > 1,
            filtered=any(self.request.GET.get(name) for name in filters.filters),
            max_query_length=MAX_QUERY_LENGTH,
            facet_limit=FACET_LIMIT,
            meta=self._meta(query.text, chosen),
        )
        if query:
            found = filters.qs.search(query.text)
            after = _cursor(self.request.GET.get("after"))
            page = found.search_page(order=order, after=after, size=self.page_size)
            facets = found.search_facets()
            words = highlight.words_of(query)
            context.update(
                searched=True,
                hits=[search_hit(article, words) for article in page.articles],
                facets=facets,
                year_links=[
                    (year, count, self.link(year=str(year), start=None, end=None))
                    for year, count in facets.years
                ],
                section_links=[
                    (slug, name, count, self.link(section=slug))
                    for slug, name, count in facets.sections
                ],
                next_link=self.link(after=str(page.next_after)) if page.next_after else None,
                first_link=self.link() if after is not None else None,
                clear_year=self.link(year=None, start=None, end=None),
                clear_section=self.link(section=None),
            )
        return context

    def _meta(self, query: str, chosen: Paper | None) -> seo.PageMeta:
        where = chosen.name if chosen else settings.NEWSPAPER_GROUP_NAME
        title = _("Search") + " · " + where
        path = links.paper_url(self.paper, "search") if self.paper else None
        return seo.PageMeta.build(
            self.request,
            title=f"{query} · {title}" if query else title,
            description=_("Search the published articles."),
            path=path or reverse("editions:search-all"),
            noindex=True,
        )


def _without(params: QueryDict, name: str = "paper") -> QueryDict:
    """The parameters without ``name`` (a paper's own search ignores ?paper=)."""
    params = params.copy()
    params.pop(name, None)
    return params
