"""Fixtures for the editors' desk (admin) tests.

Test modules load them with ``pytest_plugins = ["tests.admin_fixtures"]`` and
take everything, helpers included, as fixtures (so this module is loaded as a
plugin, never imported first). Raw page files come from
:func:`tests.rawpages.raw_page`, in the format of the shared docs'
raw-page-format.md; the ``upload`` and ``zip_of`` fixtures wrap them.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from editions.models import ARTICLE_TEXT_FIELDS, Article

PASSWORD = "a-long-test-password-42"
EDITORS_MIGRATION = importlib.import_module("editions.migrations.0002_editors_group")


@pytest.fixture
def password() -> str:
    return PASSWORD


def editors_group() -> Group:
    """The Editors group of the data migration.

    Transactional tests (the browser's, with live_server) empty the database
    after each test, rows written by data migrations included: the group is
    then made again exactly as the migration defines it.
    """
    group, created = Group.objects.get_or_create(name=EDITORS_MIGRATION.GROUP)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="editions", codename__in=EDITORS_MIGRATION.PERMISSIONS
            )
        )
    return group


@pytest.fixture
def make_editor(db) -> Callable[[str], User]:
    """Make a newsroom editor: staff, in the Editors group of the data migration."""

    def make(username: str = "editor") -> User:
        user = User.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(editors_group())
        return user

    return make


@pytest.fixture
def editor(make_editor) -> User:
    return make_editor("editor")


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("chief", "chief@example.org", PASSWORD)


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def staff_with(db) -> Callable[..., User]:
    """Make a staff user outside the Editors group with just the permissions named."""

    def make(*codenames: str) -> User:
        user = User.objects.create_user("staff", password=PASSWORD, is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return user

    return make


@pytest.fixture
def imported_article(edition) -> Article:
    """Page 1, article 1 of the factory edition, with its text recorded as imported."""
    article = Article.objects.select_related("page__edition").get(
        page__edition=edition, page__number=1, position=1
    )
    article.imported = article.text_values()
    article.save()
    return article


@pytest.fixture
def article_form() -> Callable[..., dict[str, str]]:
    """The article change form as an editor posts it: ``article_form(article, title=...)``."""

    def data(article: Article, **changes: str) -> dict[str, str]:
        values = {name: getattr(article, name) for name in ARTICLE_TEXT_FIELDS}
        return {**values, "correction_note": "", **changes}

    return data


@pytest.fixture
def upload() -> Callable[[str, bytes | str], SimpleUploadedFile]:
    """A file as the browser sends it: ``upload("p2-1.txt", text)``; text goes as UTF-8."""

    def make(name: str, data: bytes | str) -> SimpleUploadedFile:
        data = data.encode() if isinstance(data, str) else data
        return SimpleUploadedFile(name, data, content_type="application/octet-stream")

    return make


@pytest.fixture
def zip_of() -> Callable[[dict[str, bytes | str]], bytes]:
    """The bytes of a zip archive holding the given members."""

    def make(members: dict[str, bytes | str]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    return make


@pytest.fixture
def count_queries() -> Callable[[Callable[[], HttpResponse]], int]:
    """How many queries a request costs: ``count_queries(lambda: client.get(url))``."""

    def count(request: Callable[[], HttpResponse]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = request()
        assert response.status_code == 200, response.status_code
        return len(captured.captured_queries)

    return count
