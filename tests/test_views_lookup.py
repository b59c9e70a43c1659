"""The reader's hand-written edition lookup answers exactly what the ORM's does."""

import datetime

import pytest

from editions.models import Edition
from editions.views.edition import with_neighbours
from editions.views.lookup import published_edition
from tests.factories import PaperFactory, build_edition, default_paper

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "paper_id", "date", "code", "name", "is_published", "created_at", "updated_at")
PAPER_FIELDS = ("pk", "code", "name", "subtitle", "language", "colour", "position", "is_listed")


def orm(paper, date, code=""):
    return (
        with_neighbours(Edition.objects.published().select_related("paper"))
        .filter(paper__code=paper, date=date, code=code)
        .first()
    )


def same(fast, slow):
    assert [getattr(fast, f) for f in FIELDS] == [getattr(slow, f) for f in FIELDS]
    assert [getattr(fast.paper, f) for f in PAPER_FIELDS] == [
        getattr(slow.paper, f) for f in PAPER_FIELDS
    ]
    assert (fast.paper_count, fast.has_previous, fast.has_next) == (
        slow.paper_count,
        slow.has_previous,
        slow.has_next,
    )


@pytest.fixture
def archive(db):
    day = datetime.date(2024, 8, 1)
    night = PaperFactory(code="ljwb", name="临江晚报", colour="#1f4e79", subtitle="夜读")
    for offset in (0, 1, 3):
        build_edition(date=day + datetime.timedelta(days=offset), pages=1, articles_per_page=1)
    build_edition(
        date=day + datetime.timedelta(days=1), pages=1, articles_per_page=1, code="haowai"
    )
    build_edition(
        date=day + datetime.timedelta(days=2), pages=1, articles_per_page=1, published=False
    )
    build_edition(date=day, pages=1, articles_per_page=1, paper=night)
    return day


@pytest.mark.parametrize(("offset", "code"), [(0, ""), (1, ""), (1, "haowai"), (3, "")])
def test_published_editions_are_found_as_the_orm_finds_them(archive, offset, code):
    day = archive + datetime.timedelta(days=offset)
    fast, slow = published_edition("ljrb", day, code), orm("ljrb", day, code)
    assert slow is not None
    same(fast, slow)


def test_the_newest_and_oldest_have_no_neighbour_on_one_side(archive):
    oldest = published_edition("ljrb", archive, "")
    newest = published_edition("ljrb", archive + datetime.timedelta(days=3), "")
    assert (oldest.has_previous, oldest.has_next) == (False, True)
    assert (newest.has_previous, newest.has_next) == (True, False)
    # The other paper's edition of the same day knows nothing of the daily's.
    night = published_edition("ljwb", archive, "")
    assert (night.has_previous, night.has_next, night.paper.colour) == (False, False, "#1f4e79")


def test_unpublished_editions_and_hidden_papers_are_not_found(archive):
    day = archive + datetime.timedelta(days=2)
    assert Edition.objects.filter(date=day, code="", paper__code="ljrb").exists()
    assert published_edition("ljrb", day, "") is None
    default_paper().__class__.objects.filter(code="ljwb").update(is_listed=False)
    assert published_edition("ljwb", archive, "") is None
    assert published_edition("ljrb", archive, "").paper_count == 1
    assert published_edition("nosuch", archive, "") is None


def test_a_page_answers_from_the_fast_lookup_with_one_query(
    client, archive, django_assert_num_queries
):
    from tests.paths import page_path

    client.get(page_path(1, archive))  # rendered once, kept in the page cache
    with django_assert_num_queries(1):
        response = client.get(page_path(1, archive))
    assert response.status_code == 200
