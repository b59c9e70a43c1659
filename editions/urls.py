"""Readers' URLs. Stable and readable: /2024-08-02/page/2/3/ is article 3 of page 2."""

from django.urls import path, register_converter

from . import views
from .converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "editions"

urlpatterns = [
    path("", views.LatestEditionView.as_view(), name="latest"),
    path("<isodate:date>/", views.EditionView.as_view(), name="edition"),
    path("<isodate:date>/page/<int:number>/", views.PageDetailView.as_view(), name="page"),
    path(
        "<isodate:date>/page/<int:number>/<int:position>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
