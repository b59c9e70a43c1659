"""Readers' URLs for tests, built by the application's own ``editions.links``.

Tests name the place they visit (``article_path(2, 1)``), never a literal path, so
a change to the URL scheme is made in ``urls.py`` and ``links.py`` alone. The
defaults are the factories': the first paper's edition of 2024-08-02.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from editions.links import EditionKey, paper_url

DAY = datetime.date(2024, 8, 2)


def paper_code() -> str:
    return settings.NEWSPAPER_CODE


def _day(day) -> datetime.date:
    return datetime.date.fromisoformat(day) if isinstance(day, str) else day


def edition_path(day=DAY, view: str = "edition", *, paper: str | None = None, code="", **kw):
    # A string is used as written, so tests can ask for dates that do not exist (2024-02-30).
    key = day if isinstance(day, str) and not code else EditionKey(_day(day), code)
    return reverse(
        f"editions:{view}", kwargs={"paper": paper or paper_code(), "edition": key, **kw}
    )


def page_path(number: int, day=DAY, *, paper: str | None = None, code="") -> str:
    return edition_path(day, "page", paper=paper, code=code, number=number)


def article_path(number: int, position: int, day=DAY, *, paper: str | None = None, code=""):
    return edition_path(day, "article", paper=paper, code=code, number=number, position=position)


def headlines_path(day=DAY, *, paper: str | None = None, code="") -> str:
    return edition_path(day, "headlines", paper=paper, code=code)


def archive_path(year: int | None = None, month: int | None = None, *, paper=None) -> str:
    if year is None:
        return paper_url(paper or paper_code(), "archive")
    return paper_url(paper or paper_code(), "archive-month", year=year, month=month)


def paper_path(paper: str | None = None) -> str:
    return paper_url(paper or paper_code())


def search_path(paper: str | None = None) -> str:
    """The search of one paper, or with ``paper=None`` of them all."""
    return paper_url(paper, "search") if paper else reverse("editions:search-all")
