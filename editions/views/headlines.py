"""标题导航: every headline of an edition, grouped by page, filterable by section."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.views import FilterView

from .. import reading, seo
from ..filters import HeadlineFilter
from ..models import Article
from .edition import EditionMixin
from .queries import HEADLINE_FIELDS


class HeadlineIndexView(EditionMixin, FilterView):
    """标题导航: every headline of the edition, grouped by page, filterable by section."""

    filterset_class = HeadlineFilter
    template_name = "editions/headline_index.html"

    def get_queryset(self):
        return (
            Article.objects.filter(page__edition_id=self.edition.pk)
            .only(*HEADLINE_FIELDS)
            .order_by("page__number", "position")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        sections = {page.section.pk: page.section for page in self.pages if page.section}
        kwargs["sections"] = sections.values()
        return kwargs

    def get_context_data(self, **kwargs):
        articles = reading.attach_pages(kwargs.pop("object_list"), self.pages_by_id)
        context = super().get_context_data(object_list=articles, **kwargs)
        valid = self.filterset.is_valid()
        chosen = self.filterset.form.cleaned_data.get("section") if valid else ""
        by_page: dict[int, list[reading.Headline]] = {page.pk: [] for page in self.pages}
        for article in articles:
            by_page[article.page_id].append(reading.Headline(article, article.page))
        context["groups"] = [
            (page, by_page[page.pk])
            for page in self.pages
            if not chosen or (page.section and page.section.slug == chosen)
        ]
        context["chosen_section"] = chosen
        context["section_choices"] = self.filterset.filters["section"].extra["choices"]
        context["unknown_section"] = self.filterset.is_bound and not valid
        title = _("Headlines") + " · " + seo.edition_heading(self.edition)
        context["meta"] = seo.PageMeta.build(
            self.request,
            title=title,
            description=title + "：" + "；".join(a.title for a in articles[:10]),
            path=self.edition.get_headlines_url(),
            published=self.edition.date,
            noindex=self.is_preview or bool(self.request.GET),
        )
        return context
