"""Filters readers apply to lists of headlines."""

from __future__ import annotations

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
