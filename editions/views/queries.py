"""The queries of the page and article views, each one indexed lookup per request.

Each is written once as a queryset (the statement of what is asked) and run
through ``prepared.PreparedQuery``, so a request pays for the database's answer
and not for the ORM composing the same SQL again.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, Subquery

from ..models import Article
from .prepared import PreparedQuery

#: What a headline list needs of an article; the body stays in the database.
HEADLINE_FIELDS = ("page", "position", "kicker", "title", "subtitle")
#: What the article view shows of its photos (joined to the article's own query).
PHOTO_FIELDS = ("order", "caption", "image")


def headline_rows(page, *, also: Q | None = None):
    """The articles listed on a page: those starting on it and those continuing onto it.

    Each condition is an indexed lookup (page, primary key), so the database
    reads a page's worth of rows however large the archive grows.
    """
    return _headline_rows(page.pk, also)


def _headline_rows(page_id: int, also: Q | None):
    continuing = Article.continued_on.through.objects.filter(page_id=page_id)
    wanted = Q(page_id=page_id) | Q(pk__in=continuing.values("article_id"))
    if also is not None:
        wanted |= also
    return (
        Article.objects.filter(wanted)
        .annotate(continues_here=Exists(continuing.filter(article_id=OuterRef("pk"))))
        .only(*HEADLINE_FIELDS)
        .order_by()
    )


def neighbour_filter(edition: int, number: int, position: int) -> Q:
    """The articles just before and after one in edition order, across pages."""
    in_edition = Article.objects.filter(page__edition_id=edition)
    before = in_edition.filter(
        Q(page__number__lt=number) | Q(page__number=number, position__lt=position)
    ).order_by("-page__number", "-position")
    after = in_edition.filter(
        Q(page__number__gt=number) | Q(page__number=number, position__gt=position)
    ).order_by("page__number", "position")
    return Q(pk=Subquery(before.values("pk")[:1])) | Q(pk=Subquery(after.values("pk")[:1]))


def page_neighbour_filter(edition: int, number: int) -> Q:
    """The articles just before and after a page's own, in edition order, across pages."""
    in_edition = Article.objects.filter(page__edition_id=edition)
    before = in_edition.filter(page__number__lt=number).order_by("-page__number", "-position")
    after = in_edition.filter(page__number__gt=number).order_by("page__number", "position")
    return Q(pk=Subquery(before.values("pk")[:1])) | Q(pk=Subquery(after.values("pk")[:1]))


def _article_with_photos(page: int, position: int):
    """An article with its photos in one query: a row per photo (LEFT JOIN).

    Photos are few (one to five on a printed page), so repeating the article's
    columns on each row costs less than a second round trip.
    """
    return (
        Article.objects.filter(page_id=page, position=position)
        .annotate(**{f"photo_{name}": F(f"photos__{name}") for name in PHOTO_FIELDS})
        .order_by("photos__order")
    )


#: A page's headlines and the articles just before and after its own (page=, edition=, number=):
#: everything the page and each of its articles list or link to as neighbours.
page_headlines_around = PreparedQuery(
    Article,
    ("page", "edition", "number"),
    lambda page, edition, number: _headline_rows(page, page_neighbour_filter(edition, number)),
)
#: An article by its page and position, a row per photo (page=, position=).
article_with_photos = PreparedQuery(Article, ("page", "position"), _article_with_photos)
