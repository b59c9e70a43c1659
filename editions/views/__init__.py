"""Readers' views, one module per part of the site."""

from .archive import ArchiveView
from .edition import (
    ArticleDetailView,
    EditionView,
    LatestEditionView,
    PageDetailView,
    step_edition,
)
from .front import FrontPageView, OldAddressRedirect
from .headlines import HeadlineIndexView
from .search import SearchView

__all__ = [
    "ArchiveView",
    "ArticleDetailView",
    "EditionView",
    "FrontPageView",
    "HeadlineIndexView",
    "LatestEditionView",
    "OldAddressRedirect",
    "PageDetailView",
    "SearchView",
    "step_edition",
]
