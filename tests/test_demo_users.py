"""The demo accounts `make run` creates for trying the admin."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_demo_users_get_random_passwords_printed_once(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    text = out.getvalue()
    editor = get_user_model().objects.get(username="editor")
    password = text.split("editor: created, password ")[1].split()[0]
    assert editor.check_password(password)
    assert editor.is_staff
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert get_user_model().objects.get(username="admin").is_superuser


def test_running_again_keeps_the_accounts(settings):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    before = get_user_model().objects.get(username="admin").password
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert "admin: exists" in out.getvalue()
    assert get_user_model().objects.get(username="admin").password == before


def test_refused_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("create_demo_users")
