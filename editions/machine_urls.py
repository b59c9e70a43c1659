"""The doors for machines rather than readers: the JSON API and IIIF manifests under /api/,
RSS and Atom feeds under /feeds/, the sitemaps and robots.txt.

Included from the project's URLs before the readers' (``api`` and ``feeds`` are
codes no paper may take). Names are reversed as ``machine:…``; the API's own as
``machine:api:…``.
"""

from django.urls import include, path

from . import feeds, iiif, sitemaps
from . import urls as _reader_urls  # noqa: F401  (registers the paper and edition converters)
from .api import urls as api_urls
from .api.gate import gated

app_name = "machine"

urlpatterns = [
    path(
        "api/iiif/<paper:paper>/<edition:edition>/manifest.json",
        gated(iiif.manifest),
        name="iiif-manifest",
    ),
    path("api/", include((api_urls.urlpatterns, "api"), namespace="api")),
    path("feeds/<paper:paper>/rss/", feeds.PaperEditionsFeed(), name="paper-rss"),
    path("feeds/<paper:paper>/atom/", feeds.PaperEditionsAtomFeed(), name="paper-atom"),
    path(
        "feeds/<paper:paper>/sections/<slug:section>/rss/",
        feeds.SectionArticlesFeed(),
        name="section-rss",
    ),
    path(
        "feeds/<paper:paper>/sections/<slug:section>/atom/",
        feeds.SectionArticlesAtomFeed(),
        name="section-atom",
    ),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots, name="robots"),
]
