"""Filters readers apply to lists of headlines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Article, Section


class HeadlineFilter(django_filters.FilterSet):
    """Narrow an edition's headline index to one section (?section=yao-wen).

    The choices are the sections of the edition's pages, which the view has
    already loaded: offering them and checking a choice costs no query.
    """

    section = django_filters.ChoiceFilter(
        field_name="page__section__slug",
        label=_("Section"),
        empty_label=_("All sections"),
    )

    class Meta:
        model = Article
        fields = ["section"]

    def __init__(self, *args, sections: Iterable[Section] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["section"].extra["choices"] = [(s.slug, s.name) for s in sections]


class ArticleSearchFilter(django_filters.FilterSet):
    """The search page's filters, all in the URL so a search can be shared:
    ?paper=ljwb&start=2024-01-01&end=2024-06-30 (or ?year=2024)&section=yao-wen&page=1
    and ?order=relevance|newest|oldest.

    Dates go through ``search_dates`` so the index scans only their range; the
    other filters are ordinary queryset filters, which the search checks per hit.
    Choices come from rows the view has already loaded: no query of their own.
    """

    paper = django_filters.ChoiceFilter(
        field_name="page__edition__paper__code", label=_("Paper"), empty_label=_("All papers")
    )
    start = django_filters.DateFilter(label=_("From"), method="filter_start")
    end = django_filters.DateFilter(label=_("To"), method="filter_end")
    year = django_filters.NumberFilter(label=_("Year"), method="filter_year", min_value=1800)
    section = django_filters.CharFilter(
        field_name="page__section__slug", label=_("Section"), max_length=60
    )
    page = django_filters.NumberFilter(
        field_name="page__number", label=_("Page"), min_value=1, max_value=999
    )
    order = django_filters.ChoiceFilter(
        label=_("Order"),
        method="filter_nothing",  # the search applies it (see SearchView)
        empty_label=None,
        choices=[
            ("relevance", _("Most relevant first")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
        ],
    )

    class Meta:
        model = Article
        fields = ["paper", "start", "end", "year", "section", "page", "order"]

    def __init__(self, *args, papers: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["paper"].extra["choices"] = [(p.code, p.name) for p in papers]
        self.filters["year"].field.widget.attrs.update(max=9999)

    def filter_start(self, queryset, name, value):
        return queryset.search_dates(start=value)

    def filter_end(self, queryset, name, value):
        return queryset.search_dates(end=value)

    def filter_year(self, queryset, name, value):
        year = int(value)
        if not 1 <= year <= 9998:
            return queryset
        return queryset.search_dates(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def filter_nothing(self, queryset, name, value):
        return queryset
