"""Fixtures shared by the whole suite: data, clients for each kind of user, browsers.

Raw page files come from :func:`tests.rawpages.raw_page`, in the format of the
shared docs' raw-page-format.md; the ``upload`` and ``zip_of`` fixtures wrap them.
"""

from __future__ import annotations

import datetime
import importlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from editions.models import ARTICLE_TEXT_FIELDS, Article, Paper
from tests.factories import (
    HOSTILE,
    JUMP_BODY,
    ArticleFactory,
    EditionFactory,
    PageFactory,
    SectionFactory,
    build_edition,
    default_paper,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"
#: The real example page lives beside the repository, not in it; tests that use it skip without it.
SEED_PAGE = ROOT.parent / "shared" / "samples" / "seed-page-02.txt"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(autouse=True)
def _media_in_tmp(request, tmp_path):
    """Uploads in tests go to a temporary folder (skipped when run without pytest-django)."""
    try:
        settings = request.getfixturevalue("settings")
    except pytest.FixtureLookupError:
        return
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _jobs_run_inline(request):
    """Background jobs run inline, at enqueue time (the real worker has its own tests)."""
    try:
        settings = request.getfixturevalue("settings")
    except pytest.FixtureLookupError:
        return
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def seed_page() -> Path:
    if not SEED_PAGE.exists():
        pytest.skip("the shared seed page is not beside this checkout")
    return SEED_PAGE


@pytest.fixture
def demo_dir() -> Path:
    return DEMO


@pytest.fixture
def edition(db):
    return build_edition()


@pytest.fixture
def paper(db) -> Paper:
    """The installation's first paper."""
    return default_paper()


# --- browser tests -----------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop; Django's ORM must be allowed beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


#: The widths the reader's views are checked and photographed at (phone, tablet, desktop).
WIDTHS = {"phone": (360, 800), "tablet": (768, 1024), "desktop": (1366, 900)}


@pytest.fixture
def sized(browser):
    """sized("phone") → a page of that size from WIDTHS (Chinese; touch on a phone)."""
    contexts = []

    def make(kind: str, **options):
        width, height = WIDTHS[kind]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            is_mobile=kind == "phone",
            has_touch=kind == "phone",
            **options,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/artifacts/ (git-ignored) to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- readers ---------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff member who may preview unpublished editions of the first paper."""
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="preview_edition"))
    default_paper().editors.add(user)
    client.force_login(user)
    return client


@pytest.fixture
def reader_client(client, django_user_model):
    """A logged-in reader who is not staff: sees what anonymous readers see."""
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    return client


@pytest.fixture
def jumping_edition(db):
    """2024-08-02: 4 pages × 3 articles; page 2's first article jumps to page 4."""
    edition = build_edition(date=datetime.date(2024, 8, 2))
    story = Article.objects.get(page__edition=edition, page__number=2, position=1)
    story.kicker = "专题协商会侧记"
    story.title = "助力推动政策从“纸上”落到“地上”"
    story.subtitle = "自治区政协专题协商会侧记"
    story.byline = "本报记者 张三 李四"
    story.body = JUMP_BODY
    story.save()
    section = SectionFactory(name="理论特刊", slug="li-lun-te-kan")
    page = edition.pages.get(number=3)
    page.name = "理论特刊 ④"
    page.section = section
    page.editor = "王五"
    page.save()
    edition.refresh_from_db()
    return edition


@pytest.fixture
def make_edition(db):
    """Build a published edition of any size: make_edition(date, pages=, per_page=)."""

    def make(date=datetime.date(2024, 8, 2), pages=4, per_page=3, published=True):
        return build_edition(
            date=date, pages=pages, articles_per_page=per_page, published=published
        )

    return make


@pytest.fixture
def hostile_edition(db):
    """An edition whose every text field carries markup that must come out escaped."""
    edition = EditionFactory(date=datetime.date(2024, 8, 3))
    page = PageFactory(edition=edition, number=1, name=f"要闻{HOSTILE}")
    ArticleFactory(
        page=page,
        position=1,
        kicker=HOSTILE,
        title=f"标题{HOSTILE}",
        subtitle=HOSTILE,
        byline=HOSTILE,
        body=f"正文{HOSTILE}\n\n## 小标题{HOSTILE}\n\n</script><script>alert(2)</script>",
    )
    return edition


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts without rendered pages from another (the caches outlive tests):
    the shared cache, and each process's own copies of pages and edition navigation
    (keyed on ids and times, which a test run can repeat)."""
    from django.core.cache import cache

    from editions.caching import local_pages
    from editions.views.navigation import store

    for kept in (cache, local_pages, store):
        kept.clear()
    yield
    for kept in (cache, local_pages, store):
        kept.clear()


# --- editors (the admin) -----------------------------------------------------------
PASSWORD = "a-long-test-password-42"
EDITORS_MIGRATION = importlib.import_module("editions.migrations.0002_editors_group")
#: The Editors group's permissions: those of its migration and of the papers' one.
EDITORS_PERMISSIONS = [*EDITORS_MIGRATION.PERMISSIONS, "preview_edition"]


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
                content_type__app_label="editions", codename__in=EDITORS_PERMISSIONS
            )
        )
    return group


@pytest.fixture
def make_editor(db) -> Callable[..., User]:
    """Make a newsroom editor: staff, in the Editors group of the data migration, working
    on the papers given (the first paper by default)."""

    def make(username: str = "editor", papers=None) -> User:
        user = User.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(editors_group())
        for paper in papers if papers is not None else [default_paper()]:
            paper.editors.add(user)
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
        default_paper().editors.add(user)
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
