"""The one place that builds readers' URLs of papers and editions.

An edition is addressed by its paper's code and its *key*: the ISO date for the
day's regular edition (``/ljrb/2024-08-02/``), the date and the edition's code
for another edition of the same day (``/ljrb/2024-08-02-haowai/`` for a 号外).
Models, views, templates and tests all build links through these functions, so
the shape of a URL is decided here and in ``urls.py`` alone.

A page of an edition links to every other page of it and to a few dozen
articles, and ``reverse()`` costs about 80 µs a call: a third of a page's
rendering went into it. So ``reverse()`` stays the source of truth, but it is
asked once per edition and view, with stand-in numbers, and the answer is kept
as a template the page and article numbers are written into (see
``_url_template``).
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

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
    return reversed_url(f"editions:{view}", paper=code, **kwargs)


def reversed_url(viewname: str, **kwargs) -> str:
    """``reverse(viewname, kwargs=kwargs)``, remembered per URL configuration and prefix.

    For the links every reader's page repeats (the masthead's, the feeds', the
    language switch's): the same few answers, asked on every request.
    """
    key = tuple(sorted(kwargs.items()))
    try:
        return _reversed(viewname, key, get_script_prefix(), _urlconf())
    except TypeError:  # an argument that cannot be a key: ask reverse() itself
        return reverse(viewname, kwargs=kwargs)


@functools.lru_cache(maxsize=4096)
def _reversed(viewname: str, kwargs: tuple, prefix: str, urlconf: str) -> str:
    return reverse(viewname, kwargs=dict(kwargs))


def _urlconf() -> str:
    return get_urlconf() or settings.ROOT_URLCONF


#: Numbers no real page or article has, reversed in their place and then replaced.
_STAND_INS = {"number": 987654301, "position": 987654302}


def edition_url(edition: Edition, view: str = "edition", **kwargs) -> str:
    """An edition's URL: ``edition``, ``headlines``, ``page`` (number=), ``article``
    (number=, position=), ``previous-edition``, ``next-edition``.

    The edition's paper must be at hand (``select_related("paper")``) or a query is made.
    """
    paper, key = edition.paper.code, str(EditionKey.of(edition))
    if kwargs.keys() <= _STAND_INS.keys() and all(
        type(value) is int and value >= 0 for value in kwargs.values()
    ):
        template = _url_template(
            view,
            tuple(sorted(kwargs)),
            paper,
            key,
            get_script_prefix(),
            _urlconf(),
        )
        if template is not None:
            return template.format_map(kwargs)
    return reverse(f"editions:{view}", kwargs={"paper": paper, "edition": key, **kwargs})


@functools.lru_cache(maxsize=2048)
def _url_template(
    view: str, slots: tuple[str, ...], paper: str, key: str, prefix: str, urlconf: str
) -> str | None:
    """``reverse()``'s answer for one edition and view, with ``{number}``/``{position}`` slots.

    The prefix and URL configuration in effect are part of the cache key, so a
    test's ``ROOT_URLCONF`` or a ``SCRIPT_NAME`` gets templates of its own. None
    when a stand-in does not come out exactly once (a URL shape this cannot
    template): the caller then reverses every time.
    """
    stand_ins = {name: _STAND_INS[name] for name in slots}
    url = reverse(f"editions:{view}", kwargs={"paper": paper, "edition": key, **stand_ins})
    url = url.replace("{", "{{").replace("}", "}}")
    for name, number in stand_ins.items():
        if url.count(str(number)) != 1:
            return None
        url = url.replace(str(number), "{" + name + "}")
    return url


@receiver(setting_changed)
def _forget_templates(*, setting, **kwargs) -> None:
    """A changed URL configuration may shape URLs differently under the same module name."""
    if setting == "ROOT_URLCONF":
        _url_template.cache_clear()
        _reversed.cache_clear()


def day_url(paper: Paper | str, day: datetime.date) -> str:
    """The regular edition of ``paper`` on ``day`` (the calendar's links)."""
    code = paper if isinstance(paper, str) else paper.code
    return reversed_url("editions:edition", paper=code, edition=str(EditionKey(day)))
