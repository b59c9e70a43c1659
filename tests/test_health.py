"""/healthz: 200 while the database and the cache answer, 503 as soon as one does not."""

import json
import socket

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_healthy_node_answers_200_with_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
    }
    assert "no-cache" in response["Cache-Control"]


def test_the_check_writes_nothing_to_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements == ["SELECT"]


def test_a_database_that_fails_makes_it_503_without_telling_why(client, monkeypatch):
    secret = "password authentication failed for user newsroom at db.internal"

    def broken_cursor(*args, **kwargs):
        raise OperationalError(secret)

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["ok"] is True
    assert "db.internal" not in response.content.decode()


def test_a_cache_that_is_down_makes_it_503(client, settings):
    url = f"redis://127.0.0.1:{unused_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert url not in response.content.decode()


def test_only_safe_methods_are_answered(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_healthz_is_not_redirected_to_https_in_production(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
