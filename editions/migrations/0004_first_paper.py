"""Turn the single paper of earlier releases into the first Paper.

Its name and code come from the settings NEWSPAPER_NAME and NEWSPAPER_CODE, so
an existing database keeps its editions, sections and readers' links (old
links redirect to the paper's), and a fresh installation starts with one paper.
Staff members who are not superusers are made editors of it, so nobody loses
access, and the Editors group may now preview unpublished editions.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_first_paper(apps, schema_editor):
    db = schema_editor.connection.alias
    Paper = apps.get_model("editions", "Paper")
    paper, _ = Paper.objects.using(db).get_or_create(
        code=settings.NEWSPAPER_CODE, defaults={"name": settings.NEWSPAPER_NAME}
    )
    for model in ("Edition", "Section", "HistoricalSection", "ImportRun"):
        apps.get_model("editions", model).objects.using(db).filter(paper__isnull=True).update(
            paper=paper
        )
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    paper.editors.add(*User.objects.using(db).filter(is_staff=True, is_superuser=False))

    editions = apps.get_app_config("editions")
    editions.models_module = True
    create_permissions(editions, apps=apps, verbosity=0, using=db)
    editions.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    preview = Permission.objects.using(db).get(
        content_type__app_label="editions", codename="preview_edition"
    )
    for group in Group.objects.using(db).filter(name="Editors"):
        group.permissions.add(preview)


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0003_papers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_first_paper, migrations.RunPython.noop)]
