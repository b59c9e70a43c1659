"""The one place that builds readers' URLs of papers and editions.

An edition is addressed by its paper's code and its *key*: the ISO date for the
day's regular edition (``/ljrb/2024-08-02/``), the date and the edition's code
for another edition of the same day (``/ljrb/2024-08-02-haowai/`` for a 号外).
Models, views, templates and tests all build links through these functions, so
the shape of a URL is decided here and in ``urls.py`` alone.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple

from django.urls import reverse

if TYPE_CHECKING:
    from .models import Edition, Paper


class EditionKey(NamedTuple):
    """What identifies an edition within its paper: the date and the edition's code."""

    date: datetime.date
    code: str = ""

    def __str__(self) -> str:
        return f"{self.date.isoformat()}-{self.code}" if self.code else self.date.isoformat()

    @classmethod
    def of(cls, edition: Edition) -> EditionKey:
        return cls(edition.date, edition.code)


def paper_url(paper: Paper | str, view: str = "paper", **kwargs) -> str:
    """A paper's URL: its latest edition (``paper``), ``archive``, ``archive-month``, ``search``."""
    code = paper if isinstance(paper, str) else paper.code
    return reverse(f"editions:{view}", kwargs={"paper": code, **kwargs})


def edition_url(edition: Edition, view: str = "edition", **kwargs) -> str:
    """An edition's URL: ``edition``, ``headlines``, ``page`` (number=), ``article``
    (number=, position=), ``previous-edition``, ``next-edition``.

    The edition's paper must be at hand (``select_related("paper")``) or a query is made.
    """
    return reverse(
        f"editions:{view}",
        kwargs={"paper": edition.paper.code, "edition": EditionKey.of(edition), **kwargs},
    )


def day_url(paper: Paper | str, day: datetime.date) -> str:
    """The regular edition of ``paper`` on ``day`` (the calendar's links)."""
    code = paper if isinstance(paper, str) else paper.code
    return reverse("editions:edition", kwargs={"paper": code, "edition": EditionKey(day)})
