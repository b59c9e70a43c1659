"""Readers' URLs. Stable and readable: /2024-08-02/page/2/3/ is article 3 of page 2.

The names ``latest``, ``edition``, ``page`` and ``article`` (with the kwargs
date, number, position) are used by the models' get_absolute_url, the admin
and the sitemaps: keep them.
"""

from django.urls import path, register_converter

from . import views
from .converters import IsoDateConverter


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """Months as two digits (/archive/2024/08/); 00 and 13 do not match, hence a 404."""

    regex = r"0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


register_converter(IsoDateConverter, "isodate")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

app_name = "editions"

urlpatterns = [
    path("", views.LatestEditionView.as_view(), name="latest"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("archive/<year:year>/<month:month>/", views.ArchiveView.as_view(), name="archive-month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("<isodate:date>/", views.EditionView.as_view(), name="edition"),
    path(
        "<isodate:date>/previous/",
        views.step_edition,
        {"direction": "previous"},
        name="previous-edition",
    ),
    path("<isodate:date>/next/", views.step_edition, {"direction": "next"}, name="next-edition"),
    path("<isodate:date>/headlines/", views.HeadlineIndexView.as_view(), name="headlines"),
    path("<isodate:date>/page/<int:number>/", views.PageDetailView.as_view(), name="page"),
    path(
        "<isodate:date>/page/<int:number>/<int:position>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
