"""Readers' URLs. Stable and readable: /ljrb/2024-08-02/page/2/3/ is article 3 of
page 2 of 临江日报's edition of 2 August 2024.

Every URL inside a paper starts with its code; inside an edition, with the
edition's key (its date, or date and code for another edition of the day:
2024-08-02-haowai). ``editions.links`` builds them all; keep the names, which
the models' ``get_absolute_url``, the admin and the sitemaps use.

Links of the single-paper releases (/2024-08-02/page/2/3/, /archive/2024/08/)
answer a permanent redirect to the same place in the first paper, so what
readers shared before keeps working.
"""

from django.urls import path, register_converter

from . import views
from .converters import EditionKeyConverter, IsoDateConverter, PaperCodeConverter
from .models import RESERVED_PAPER_CODES


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


class ReaderPaperConverter(PaperCodeConverter):
    """A paper's code, never one of the reserved words (no paper may take them).

    So no reader's address can be the admin's, the API's, a feed's or a media
    file's, and the project's URLs try the readers' first, before those.
    """

    regex = rf"(?!(?:{'|'.join(sorted(RESERVED_PAPER_CODES))})/){PaperCodeConverter.regex}"


register_converter(IsoDateConverter, "isodate")
register_converter(EditionKeyConverter, "edition")
register_converter(PaperCodeConverter, "paper")
register_converter(ReaderPaperConverter, "readerpaper")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

app_name = "editions"

#: (route inside a paper, view, name, extra kwargs); each also answers without the
#: paper's code, as a redirect (see the module's docstring). The routes of one paper
#: match disjoint addresses, so their order is only the order they are tried in:
#: what readers ask for most first (a reader's page resolves about twice as fast).
PAPER_ROUTES = [
    ("<edition:edition>/page/<int:number>/", views.PageDetailView.as_view(), "page", {}),
    (
        "<edition:edition>/page/<int:number>/<int:position>/",
        views.ArticleDetailView.as_view(),
        "article",
        {},
    ),
    ("<edition:edition>/", views.EditionView.as_view(), "edition", {}),
    ("<edition:edition>/headlines/", views.HeadlineIndexView.as_view(), "headlines", {}),
    (
        "<edition:edition>/previous/",
        views.step_edition,
        "previous-edition",
        {"direction": "previous"},
    ),
    ("<edition:edition>/next/", views.step_edition, "next-edition", {"direction": "next"}),
    ("", views.LatestEditionView.as_view(), "paper", {}),
    ("archive/", views.ArchiveView.as_view(), "archive", {}),
    ("archive/<year:year>/<month:month>/", views.ArchiveView.as_view(), "archive-month", {}),
]


urlpatterns = [
    path("", views.FrontPageView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search-all"),
    *(
        path(f"<readerpaper:paper>/{route}", view, kwargs, name=name)
        for route, view, name, kwargs in PAPER_ROUTES
    ),
    path("<readerpaper:paper>/search/", views.SearchView.as_view(), name="search"),
    # After the papers' routes, which readers use: a date or "archive" first, neither of
    # which is a paper's code.
    *(
        path(route, views.OldAddressRedirect.as_view(), {"route_name": name}, name=f"old-{name}")
        for route, view, name, kwargs in PAPER_ROUTES
        if route.startswith(("archive", "<edition"))
    ),
]
