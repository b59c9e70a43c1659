"""Login throttling (django-axes): guessing a password stops after a few tries.

The defect: a hundred wrong admin passwords in twenty seconds, then the right
one worked. Now a user name tried from one address is locked after
AXES_FAILURE_LIMIT failures, the right password included, while colleagues and
the same editor elsewhere are not.
"""

import runpy
from pathlib import Path

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.http import HttpRequest
from django.test import override_settings
from django.urls import reverse

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "newsroom" / "settings.py"
PASSWORD = "Right-horse-battery-42"
OFFICE = "203.0.113.10"  # the newsroom's one address, shared by everyone behind it
ELSEWHERE = "198.51.100.20"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    """The defaults, whatever the environment of the run says; and a fast hasher."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def _login(client, username, password, address=OFFICE, **headers):
    """Post the admin's login form in English, from ``address``."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        headers={"accept-language": "en", **headers},
    )


def _fail(client, username, times, address=OFFICE, **headers):
    return [_login(client, username, "wrong", address, **headers).status_code for _ in range(times)]


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_after_the_limit_even_the_right_password_is_refused(client, editor):
    # The incident: a hundred wrong passwords, then the right one.
    statuses = _fail(client, "editor", 100)
    assert statuses[:4] == [200] * 4  # the login form again, with its error
    assert set(statuses[4:]) == {429}  # the fifth failure locks
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    # The admin's login page was drawn, then axes put its page in its place.
    assert "registration/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Login temporarily locked" in page
    assert "There were 5 failed login attempts" in page
    assert "Please try again in 60 minutes" in page
    assert "Traceback" not in page


def test_another_account_from_another_address_is_not_locked(client, editor, django_user_model):
    django_user_model.objects.create_user("reporter", password=PASSWORD, is_staff=True)
    _fail(client, "editor", 5)
    response = _login(client, "reporter", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_lock_is_on_the_name_and_address_together(client, editor, django_user_model):
    """A colleague behind the same office address still gets in, and so does the
    locked editor from elsewhere: nobody can lock a whole newsroom or an editor out."""
    django_user_model.objects.create_user("reporter", password=PASSWORD, is_staff=True)
    _fail(client, "editor", 5)
    assert _login(client, "reporter", PASSWORD, address=OFFICE).status_code == 302
    client.logout()
    assert _login(client, "editor", PASSWORD, address=ELSEWHERE).status_code == 302
    client.logout()
    assert _login(client, "editor", PASSWORD, address=OFFICE).status_code == 429


def test_a_made_up_forwarded_for_header_does_not_escape_the_lock(client, editor):
    """With no proxy configured, X-Forwarded-For is the client's word and is ignored."""
    for n in range(5):
        _login(client, "editor", "wrong", x_forwarded_for=f"192.0.2.{n}")
    response = _login(client, "editor", PASSWORD, x_forwarded_for="192.0.2.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_behind_a_proxy_the_address_it_saw_counts(client, editor, monkeypatch):
    """DJANGO_PROXY_COUNT=1: the client is the right-most X-Forwarded-For entry (the one
    the proxy added); whatever the client put before it changes nothing."""
    monkeypatch.setenv("DJANGO_PROXY_COUNT", "1")
    proxied = runpy.run_path(str(SETTINGS_FILE))
    ipware = {k: v for k, v in proxied.items() if k.startswith(("AXES_IPWARE_", "IPWARE_"))}
    assert ipware["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"
    proxy = "127.0.0.1"
    with override_settings(**ipware):
        for n in range(5):
            _login(client, "editor", "wrong", proxy, x_forwarded_for=f"192.0.2.{n}, {OFFICE}")
        assert _login(client, "editor", PASSWORD, proxy, x_forwarded_for=OFFICE).status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
        # Another client through the same proxy is another address, not locked.
        assert (
            _login(client, "editor", PASSWORD, proxy, x_forwarded_for=ELSEWHERE).status_code == 302
        )


def test_a_success_resets_the_count(client, editor):
    assert _fail(client, "editor", 4) == [200] * 4
    assert _login(client, "editor", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert _fail(client, "editor", 4) == [200] * 4  # eight failures in all, four since
    assert _login(client, "editor", PASSWORD).status_code == 302


def test_lockouts_are_listed_for_a_superuser_in_the_admin(client, editor, django_user_model):
    _fail(client, "editor", 5)
    chief = django_user_model.objects.create_superuser("chief", password=PASSWORD)
    client.force_login(chief)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert "editor" in attempts.content.decode()
    assert OFFICE in attempts.content.decode()
    failures = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert failures.status_code == 200
    assert failures.content.decode().count(OFFICE) >= 5


def test_an_editor_who_is_not_a_superuser_does_not_see_them(client, editor):
    _fail(client, "reporter", 5)
    client.force_login(editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


# --- how the rest of the suite logs in ---------------------------------------------


def test_force_login_is_untouched(client, editor):
    _fail(client, "editor", 5)
    client.force_login(editor)  # no password, no authenticate(): axes never sees it
    assert client.get(reverse("admin:index")).status_code == 200


def test_client_login_needs_a_request_or_axes_turned_off(client, editor, settings):
    """Axes refuses to judge a login without a request (no address to count), and
    ``client.login`` authenticates without one: a test gives it one, or turns axes
    off for itself only."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="editor", password=PASSWORD)
    assert client.login(request=HttpRequest(), username="editor", password=PASSWORD)
    client.logout()
    settings.AXES_ENABLED = False
    assert client.login(username="editor", password=PASSWORD)


# --- the settings ---------------------------------------------------------------------


def test_the_settings_come_from_the_environment_with_sane_defaults(monkeypatch):
    for name in ("AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES", "DJANGO_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(str(SETTINGS_FILE))
    assert defaults["AXES_FAILURE_LIMIT"] == 5
    assert defaults["AXES_COOLOFF_TIME"] == 1  # hour
    assert defaults["AXES_RESET_ON_SUCCESS"] is True
    assert defaults["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("REMOTE_ADDR",)
    assert "AXES_IPWARE_PROXY_COUNT" not in defaults
    assert defaults["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert defaults["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"

    monkeypatch.setenv("AXES_FAILURE_LIMIT", "3")
    monkeypatch.setenv("AXES_COOLOFF_MINUTES", "15")
    configured = runpy.run_path(str(SETTINGS_FILE))
    assert configured["AXES_FAILURE_LIMIT"] == 3
    assert configured["AXES_COOLOFF_TIME"] == 0.25
    monkeypatch.setenv("AXES_COOLOFF_MINUTES", "0")
    assert runpy.run_path(str(SETTINGS_FILE))["AXES_COOLOFF_TIME"] is None


def test_a_lockout_until_an_administrator_lifts_it_says_so(client, editor, settings):
    settings.AXES_COOLOFF_TIME = None
    _fail(client, "editor", 5)
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "An administrator has to lift the lock" in response.content.decode()
