"""Every API endpoint's query count, pinned, and the same for a small and a large edition."""

from __future__ import annotations

import datetime

import pytest

from editions.api.models import ApiKey
from editions.models import Article
from tests.api_data import (
    api_path,
    article_api,
    edition_api,
    give_files,
    hidden_content,
    manifest_path,
    page_api,
    with_regions,
)
from tests.factories import build_edition

pytestmark = pytest.mark.django_db

FULL_TEXT = hasattr(Article.objects.all(), "search")
SMALL = datetime.date(2024, 8, 1)
LARGE = datetime.date(2024, 8, 2)

#: endpoint -> (path for an edition's date, queries)
ENDPOINTS = {
    # the papers with their latest edition's date (a subquery)
    "papers": (lambda day: api_path("papers"), 1),
    # the paper, its sections, its latest edition
    "paper": (lambda day: api_path("paper", paper="ljrb"), 3),
    # the paper, one part of its editions
    "editions": (lambda day: api_path("paper-editions", paper="ljrb") + "?limit=5", 2),
    # the edition with its paper, its pages with their sections
    "edition": (edition_api, 2),
    # ... then the page's headlines and its regions with their articles
    "page": (lambda day: page_api(2, day), 4),
    # ... then the article and its photos
    "article": (lambda day: article_api(2, 1, day), 4),
    # the index's segments, their postings and maps (the candidates), then one part of
    # the hits (the readers' search view of before the full-text search read the listed
    # papers first)
    "search": (lambda day: api_path("search") + "?q=篇", 4 if FULL_TEXT else 2),
    # the edition, its pages, its regions with their articles
    "manifest": (manifest_path, 3),
}


@pytest.fixture
def editions(db):
    """A small and a large edition, with files and regions, beside hidden ones."""
    hidden_content()
    small = build_edition(date=SMALL, pages=2, articles_per_page=2)
    large = build_edition(date=LARGE, pages=12, articles_per_page=10)
    for edition in (small, large):
        give_files(edition)
        with_regions(edition)
    return small, large


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("day", [SMALL, LARGE], ids=["small", "large"])
def test_query_count_is_pinned_and_independent_of_size(
    client, editions, django_assert_num_queries, endpoint, day
):
    path, queries = ENDPOINTS[endpoint]
    with django_assert_num_queries(queries):
        response = client.get(path(day))
    assert response.status_code == 200, response.content


def test_a_partners_key_costs_one_query_then_none(client, editions, django_assert_num_queries):
    key = ApiKey(name="伙伴")
    secret = key.issue()
    key.save()
    with django_assert_num_queries(2):
        client.get(api_path("papers"), headers={"X-API-Key": secret})
    with django_assert_num_queries(1):  # the key is remembered a minute
        client.get(api_path("papers"), headers={"X-API-Key": secret})


def test_the_schema_and_docs_cost_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/api/openapi.json").status_code == 200
        assert client.get("/api/docs").status_code == 200
