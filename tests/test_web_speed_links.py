"""Links built from one reversed URL per edition and view agree with ``reverse()``.

``editions.links`` keeps a template per edition and view and writes the page and
article numbers into it (a page links to every page of its edition, and
``reverse()`` is slow); these tests hold it to what ``reverse()`` answers.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from editions import links
from tests.factories import build_edition

pytestmark = pytest.mark.django_db


def reversed_url(edition, view, **kwargs):
    return reverse(
        f"editions:{view}",
        kwargs={"paper": edition.paper.code, "edition": links.EditionKey.of(edition), **kwargs},
    )


@pytest.mark.parametrize("code", ["", "haowai"])
def test_every_kind_of_edition_link_is_what_reverse_answers(code):
    edition = build_edition(pages=1, articles_per_page=0, code=code, name="号外" if code else "")
    for view in ("edition", "headlines", "previous-edition", "next-edition"):
        assert links.edition_url(edition, view) == reversed_url(edition, view)
    for number in (1, 9, 10, 123):
        assert links.edition_url(edition, "page", number=number) == reversed_url(
            edition, "page", number=number
        )
        for position in (1, 7, 99):
            assert links.edition_url(
                edition, "article", number=number, position=position
            ) == reversed_url(edition, "article", number=number, position=position)


def test_two_editions_never_share_a_template():
    first = build_edition(pages=1, articles_per_page=0)
    other = build_edition(pages=1, articles_per_page=0, code="haowai")
    assert links.edition_url(first, "page", number=3) != links.edition_url(other, "page", number=3)
    assert str(other.key) in links.edition_url(other, "page", number=3)


def test_a_script_prefix_is_part_of_the_link():
    edition = build_edition(pages=1, articles_per_page=0)
    plain = links.edition_url(edition, "page", number=2)
    set_script_prefix("/epaper/")
    try:
        assert links.edition_url(edition, "page", number=2) == "/epaper" + plain
    finally:
        set_script_prefix("/")
    assert links.edition_url(edition, "page", number=2) == plain


def test_what_reverse_refuses_is_still_refused():
    edition = build_edition(pages=1, articles_per_page=0)
    with pytest.raises(NoReverseMatch):
        links.edition_url(edition, "page", number=-1)
    with pytest.raises(NoReverseMatch):
        links.edition_url(edition, "page")  # no number


def test_another_url_configuration_gets_templates_of_its_own():
    edition = build_edition(pages=1, articles_per_page=0)
    before = links.edition_url(edition, "page", number=2)
    with override_settings(ROOT_URLCONF="tests.urls_prefixed"):
        assert links.edition_url(edition, "page", number=2) == "/reader" + before
    assert links.edition_url(edition, "page", number=2) == before
