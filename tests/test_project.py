"""Project-wide guards: migrations, deployment checklist, settings from the environment."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _django(args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_profile_passes_the_deployment_checklist():
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x7#Kq9!mZ2@vL5$wR8^tY3&uP6*oI1(eA4)sD0_fG-hJ+nB=cV~xZ",
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )
    assert result.returncode == 0, result.stderr


def test_production_profile_refuses_to_start_without_a_secret_key():
    result = _django(["check"], DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = _django(
        ["shell", "-c", code], DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom"
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql", result.stderr


def test_default_database_is_a_sqlite_file_beside_manage_py():
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = _django(["shell", "-c", code])
    assert result.stdout.strip().splitlines()[-1] == str(ROOT / "db.sqlite3"), result.stderr


def test_a_garbled_boolean_setting_is_an_error_not_a_guess():
    result = _django(["check"], DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr
