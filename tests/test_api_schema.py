"""The whole OpenAPI schema run by schemathesis against a live server: no server error, every
response as the schema says (its status, content type and body), on real rows and on
whatever else schemathesis makes up. Bounded: a few examples per operation."""

from __future__ import annotations

import json
import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from editions.api.endpoints import api
from tests.api_data import hidden_content, published_edition, with_regions

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


#: The schema as the API serves it (the live server's copy is checked to be the same).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def live_api(live_server, transactional_db, settings) -> str:
    """A live server with a published edition (files, regions) beside hidden ones."""
    settings.API_RATE_PER_MINUTE = 1_000_000  # schemathesis is one fast client
    edition = published_edition()
    hidden_content()
    with_regions(edition)
    return live_server.url


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_its_schema_says(case, live_api):
    case.call_and_validate(base_url=live_api, checks=CHECKS)


def test_the_live_schema_is_the_one_tested(live_api):
    served = requests.get(f"{live_api}/api/openapi.json", timeout=10).json()
    assert served == json.loads(json.dumps(api.get_openapi_schema()))


def test_the_schema_names_every_resource(live_server, transactional_db):
    paths = requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json()["paths"]
    assert set(paths) == {
        "/api/papers",
        "/api/papers/{paper}",
        "/api/papers/{paper}/editions",
        "/api/papers/{paper}/editions/{edition}",
        "/api/papers/{paper}/editions/{edition}/pages/{number}",
        "/api/papers/{paper}/editions/{edition}/pages/{number}/articles/{position}",
        "/api/search",
    }
    errors = paths["/api/papers/{paper}"]["get"]["responses"]["404"]["content"]
    assert list(errors) == ["application/problem+json"]


def test_the_docs_page_loads_nothing_from_elsewhere(live_server, transactional_db):
    """This machine (and many a newsroom's) has no internet: Swagger UI is served from here."""
    page = requests.get(f"{live_server.url}/api/docs", timeout=10)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets, page.text
    for asset in assets:
        assert asset.startswith("/"), asset  # no http(s):// of a CDN
        assert requests.get(live_server.url + asset, timeout=10).status_code == 200, asset
