"""The production profile: settings read from the environment, JSON log lines, a shared
Redis cache (tests marked to run only when ``REDIS_URL`` is set, as in CI's PostgreSQL run)."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from newsroom.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}
needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")


def settings_in(environment: dict[str, str], *names: str) -> dict:
    """The named settings as a fresh process computes them from this environment."""
    ours = ("DJANGO_", "REDIS_URL", "PYTEST_XDIST_WORKER")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(environment, DJANGO_SETTINGS_MODULE="newsroom.settings")
    wanted = dict.fromkeys(names)
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {wanted!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- logs ------------------------------------------------------------------------------------


def record(message: str, *args, level=logging.WARNING, **extra) -> logging.LogRecord:
    made = logging.LogRecord("django.request", level, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(made, name, value)
    return made


def test_a_log_record_is_one_json_object_on_one_line():
    line = JsonFormatter().format(record("Not Found: %s", "/ljrb/第2版\n", status_code=404))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /ljrb/第2版\n"
    assert entry["status_code"] == 404
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_inside_its_line():
    try:
        raise ValueError("bad page")
    except ValueError:
        made = record("import failed", level=logging.ERROR)
        made.exc_info = sys.exc_info()
    line = JsonFormatter().format(made)
    assert len(line.splitlines()) == 1
    assert "ValueError: bad page" in json.loads(line)["exception"]


def test_a_request_on_the_record_gives_method_and_path_not_the_object(rf):
    line = JsonFormatter().format(record("slow", request=rf.get("/healthz")))
    entry = json.loads(line)
    assert (entry["method"], entry["path"]) == ("GET", "/healthz")
    assert "request" not in entry


def test_production_logs_json_and_development_text():
    assert settings_in(PRODUCTION, "LOGGING")["LOGGING"]["handlers"]["console"]["formatter"] == (
        "json"
    )
    assert settings_in({}, "LOGGING")["LOGGING"]["handlers"]["console"]["formatter"] == "text"


# --- proxy, cache, sessions, media: from the environment -----------------------------------


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert settings_in(PRODUCTION, "SECURE_PROXY_SSL_HEADER")["SECURE_PROXY_SSL_HEADER"] is None
    behind = settings_in({**PRODUCTION, "DJANGO_BEHIND_PROXY": "true"}, "SECURE_PROXY_SSL_HEADER")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_without_redis_the_cache_is_per_process_and_sessions_in_the_database():
    found = settings_in({}, "CACHES", "SESSION_ENGINE")
    assert found["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_with_redis_the_cache_is_shared_and_sessions_stay_in_the_database():
    found = settings_in({"REDIS_URL": "redis://cache.internal:6379/3"}, "CACHES", "SESSION_ENGINE")
    cache = found["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/3"
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"  # shared anyway


def test_each_test_worker_takes_its_own_redis_database():
    found = settings_in(
        {"REDIS_URL": "redis://127.0.0.1:6379/5", "PYTEST_XDIST_WORKER": "gw1"}, "CACHES"
    )
    assert found["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/6"


def test_a_bucket_moves_media_to_the_object_store():
    found = settings_in(
        {
            "DJANGO_MEDIA_BUCKET": "news-media",
            "DJANGO_MEDIA_CUSTOM_DOMAIN": "media.example.org",
        },
        "STORAGES",
        "MEDIA_URL",
        "CONTENT_SECURITY_POLICY",
    )
    assert found["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["STORAGES"]["default"]["OPTIONS"]["bucket_name"] == "news-media"
    assert found["MEDIA_URL"] == "https://media.example.org/"
    directives = found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "https://media.example.org" in directives["img-src"]


def test_the_production_profile_passes_the_deployment_checklist():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- with a real Redis ---------------------------------------------------------------------


@needs_redis
def test_the_test_run_uses_the_shared_redis_cache(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


@needs_redis
def test_what_one_process_caches_another_reads():
    from django.core.cache import cache

    key = "cross-process:" + secrets.token_hex(8)
    cache.set(key, "第2版", 60)
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        f"print(cache.get({key!r})); cache.set({key!r} + ':back', 'ok', 60)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "第2版"
    assert cache.get(key + ":back") == "ok"
    cache.delete_many([key, key + ":back"])


@needs_redis
@pytest.mark.django_db
def test_a_rendered_page_is_kept_in_redis(client, edition):
    from django.core.cache import caches

    from tests.paths import page_path

    client.get(page_path(1, "2024-08-02"))
    redis = caches["default"]._cache.get_client(write=False)
    assert list(redis.scan_iter(match=caches["default"].make_key("reader-page:*")))
