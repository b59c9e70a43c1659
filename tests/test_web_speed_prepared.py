"""The readers' prepared queries answer exactly what their querysets do.

``editions/views/prepared.py`` composes each queryset once with stand-in numbers
and runs the SQL with a request's values; here every page and article of an
edition with stories jumping across pages, and an empty page, is asked both ways.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile

from editions.models import Article, Page, Photo
from editions.views import queries
from editions.views.prepared import PreparedQuery
from tests.factories import JUMP_BODY, PageFactory, build_edition
from tests.paths import article_path, page_path

pytestmark = pytest.mark.django_db

HEADLINE_VALUES = ("pk", "page_id", "position", "kicker", "title", "subtitle", "continues_here")


@pytest.fixture
def edition(db):
    """Five pages: stories jumping from 2 to 4 and from 1 to 3 and 5, page 5 otherwise empty."""
    edition = build_edition(date=datetime.date(2024, 8, 2), pages=4, articles_per_page=3)
    PageFactory(edition=edition, number=5, name="空版")
    for number, position, body in (
        (2, 1, JUMP_BODY),
        (1, 3, "一。\n\n--- 第3版 ---\n\n二。\n\n--- 第5版 ---\n\n三。"),
    ):
        story = Article.objects.get(page__edition=edition, page__number=number, position=position)
        story.body = body
        story.save()
    build_edition(date=datetime.date(2024, 8, 3), pages=2, articles_per_page=2)  # a neighbour
    return edition


def rows(found) -> list[tuple]:
    """Headline rows comparable across backends (SQLite answers EXISTS as 0 or 1)."""
    return sorted(
        (*(getattr(a, name) for name in HEADLINE_VALUES[:-1]), bool(a.continues_here))
        for a in found
    )


def test_a_pages_headlines_and_neighbours_are_the_querysets(edition):
    for page in Page.objects.filter(edition=edition):
        also = queries.page_neighbour_filter(edition.pk, page.number)
        expected = rows(queries.headline_rows(page, also=also))
        found = queries.page_headlines_around.rows(
            page=page.pk, edition=edition.pk, number=page.number
        )
        assert rows(found) == expected
    pages = edition.pages.all()
    assert any(r[-1] for p in pages for r in rows(queries.headline_rows(p)))  # continuations


def test_the_neighbours_of_a_page_are_the_articles_just_before_and_after_it(edition):
    """What the article view's 上一篇/下一篇 at a page's edges come from."""
    for page in Page.objects.filter(edition=edition):
        found = queries.page_headlines_around.rows(
            page=page.pk, edition=edition.pk, number=page.number
        )
        others = {(a.page_id, a.position) for a in found if a.page_id != page.pk}
        order = list(
            Article.objects.filter(page__edition=edition)
            .order_by("page__number", "position")
            .values_list("page_id", "page__number", "position")
        )
        before = [(p, pos) for p, n, pos in order if n < page.number][-1:]
        after = [(p, pos) for p, n, pos in order if n > page.number][:1]
        assert set(before) | set(after) <= others


def test_an_article_with_its_photos_is_the_querysets(edition):
    story = Article.objects.get(page__edition=edition, page__number=2, position=1)
    for order in (2, 1, 3):
        photo = Photo(article=story, order=order, caption=f"图{order}")
        photo.image.save(f"photo-{order}.jpg", ContentFile(b"\xff\xd8\xff"), save=False)
        photo.save()
    for article in Article.objects.filter(page__edition=edition):
        slow = list(queries._article_with_photos(article.page_id, article.position))
        fast = list(
            queries.article_with_photos.rows(page=article.page_id, position=article.position)
        )
        names = (
            "pk",
            "title",
            "body",
            "imported",
            "is_corrected",
            "updated_at",
            "photo_order",
            "photo_caption",
            "photo_image",
        )
        assert [[getattr(r, n) for n in names] for r in fast] == [
            [getattr(r, n) for n in names] for r in slow
        ]
    assert len(list(queries.article_with_photos.rows(page=story.page_id, position=1))) == 3
    assert not list(queries.article_with_photos.rows(page=story.page_id, position=99))


def test_a_value_the_orm_writes_into_the_sql_is_refused():
    """A slice becomes LIMIT n in the SQL text: it cannot be prepared, and says so."""
    limited = PreparedQuery(Article, ("count",), lambda count: Article.objects.all()[:count])
    with pytest.raises(ValueError, match="not"):
        list(limited.rows(count=3))


@pytest.mark.parametrize("number", [40_000, 2**31, 10**20])
def test_numbers_no_column_holds_are_not_found_not_an_error(client, edition, number):
    """/page/1/100000000000000000000/ matches the route (any digits): a 404, as the ORM
    answers for a value its column cannot hold, never the driver's overflow error."""
    for path in (article_path(1, number), page_path(number), article_path(number, 1)):
        response = client.get(path, raise_request_exception=False)
        assert response.status_code == 404, path
