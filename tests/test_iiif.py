"""IIIF Presentation 3 manifests, checked against the required structure (a JSON schema
written as test data: tests/data/iiif_presentation3.json) and for what they say."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from editions.iiif import CONTENT_TYPE
from tests.api_data import (
    HIDDEN_DAY,
    hidden_content,
    manifest_path,
    published_edition,
    with_regions,
)
from tests.factories import build_edition

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "data" / "iiif_presentation3.json").read_text())


@pytest.fixture
def edition():
    edition = published_edition()
    hidden_content()
    with_regions(edition)
    return edition


def manifest(client, path=None) -> dict:
    response = client.get(path or manifest_path())
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Access-Control-Allow-Origin"] == "*"  # viewers elsewhere fetch it
    data = json.loads(response.content)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    return data


def test_the_schema_catches_a_broken_manifest(client, edition):
    """The test schema can fail: a canvas without its size, an annotation without a target."""
    data = manifest(client)
    del data["items"][0]["width"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    data = manifest(client)
    del data["items"][1]["annotations"][0]["items"][0]["target"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_the_edition_is_a_manifest_labelled_in_chinese_and_english(client, edition):
    data = manifest(client)
    assert data["id"] == "http://testserver" + manifest_path()
    assert data["label"]["zh"] == ["临江日报 2024年8月2日 星期五"]
    assert data["label"]["en"] == ["临江日报 Friday, August 2, 2024"]
    assert data["navDate"] == "2024-08-01T16:00:00Z"  # midnight in Shanghai
    assert data["homepage"][0]["id"] == "http://testserver" + edition.get_absolute_url()


def test_pages_are_canvases_painted_by_their_images(client, edition):
    canvases = manifest(client)["items"]
    assert [c["label"]["zh"] for c in canvases] == [[f"第0{n}版：要闻{n}"] for n in range(1, 5)]
    assert canvases[0]["label"]["en"] == ["Page 01: 要闻1"]
    second = canvases[1]
    assert (second["width"], second["height"]) == (2000, 3000)
    paint = second["items"][0]["items"][0]
    assert paint["motivation"] == "painting"
    assert paint["target"] == second["id"]
    assert paint["body"] == {
        "id": "http://testserver/media/pages/ljrb/2024-08-02/02-0a1b2c.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": 2000,
        "height": 3000,
    }
    assert second["rendering"][0]["format"] == "application/pdf"


def test_articles_are_annotations_on_their_regions(client, edition):
    second = manifest(client)["items"][1]
    notes = second["annotations"][0]["items"]
    # The third region points at an article of a hidden edition: it is left out.
    assert len(notes) == 2
    rect, polygon = notes
    assert rect["target"] == second["id"] + "#xywh=100,150,800,450"
    assert rect["body"][0] == {
        "type": "TextualBody",
        "value": "第2版第1篇",
        "language": "zh-Hans",
        "format": "text/plain",
    }
    assert rect["body"][1]["id"] == "http://testserver/ljrb/2024-08-02/page/2/1/"
    selector = polygon["target"]["selector"]
    assert selector["type"] == "SvgSelector"
    assert 'points="1000,150 1900,150 1900,1200 1000,1200"' in selector["value"]
    assert polygon["target"]["source"]["id"] == second["id"]


def test_a_page_without_an_image_is_an_empty_canvas(client, db):
    bare = build_edition(pages=1, articles_per_page=1)
    canvas = manifest(client, manifest_path(bare.date))["items"][0]
    assert canvas["items"][0]["items"] == []
    assert (canvas["width"], canvas["height"]) == (1000, 1414)
    assert "annotations" not in canvas


def test_hidden_editions_have_no_manifest(client, edition):
    for path in (manifest_path(HIDDEN_DAY), manifest_path(paper="neibu")):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_the_page_view_links_its_manifest(client, edition):
    html = client.get(edition.pages.get(number=2).get_absolute_url()).content.decode()
    assert f'href="{manifest_path()}"' in html


def test_an_unchanged_manifest_answers_304(client, edition):
    first = client.get(manifest_path())
    again = client.get(manifest_path(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
