"""``manage.py create_demo_users``: an admin and an editor to try the demo with.

Only in development (DEBUG on): production accounts are made with
``createsuperuser``. Passwords are random, printed once when the account is
made and stored nowhere else; running the command again leaves existing
accounts alone, so ``make run`` can call it every time.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from editions.models import Paper

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = "Create the demo accounts 'admin' (superuser) and 'editor' (Editors group, every paper)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only (DJANGO_DEBUG is off).")
        try:
            editors = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist as exc:
            raise CommandError("The Editors group is missing: run manage.py migrate.") from exc
        User = get_user_model()
        for username, superuser in (("admin", True), ("editor", False)):
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"{username}: exists (new password: manage.py changepassword {username})"
                )
                continue
            password = secrets.token_urlsafe(9)
            if superuser:
                User.objects.create_superuser(username, password=password)
            else:
                user = User.objects.create_user(username, password=password, is_staff=True)
                user.groups.add(editors)
            self.stdout.write(self.style.SUCCESS(f"{username}: created, password {password}"))
        # The demo editor works on every demo paper (a real one is given their own).
        editor = User.objects.get(username="editor")
        editor.papers.add(*Paper.objects.all())
