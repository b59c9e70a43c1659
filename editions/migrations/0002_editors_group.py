"""The Editors group: what a newsroom editor may do on the editors' desk.

Editors correct articles, pages and sections, publish and withdraw editions,
add an edition and upload raw pages (the ``add_importrun`` permission: an
upload leaves an import record). They see everything in the digital edition
but may not delete an edition, nor manage users or groups. Superusers keep
every right. Give a new editor ``is_staff`` and this group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"

PERMISSIONS = [
    # Seeing everything in the digital edition.
    "view_edition",
    "view_page",
    "view_article",
    "view_section",
    "view_importrun",
    # Correcting.
    "change_article",
    "change_page",
    "change_section",
    # Editions: add, change, publish and withdraw; never delete.
    "add_edition",
    "change_edition",
    "publish_edition",
    # Uploading raw pages through the admin.
    "add_importrun",
]


def create_editors_group(apps, schema_editor):
    # Permissions are made after all migrations by a post_migrate signal; on a
    # fresh database they do not exist yet, so make this app's now.
    editions = apps.get_app_config("editions")
    editions.models_module = True
    create_permissions(editions, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    editions.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=GROUP)
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="editions", codename__in=PERMISSIONS
    )
    missing = set(PERMISSIONS) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"permissions missing for the Editors group: {sorted(missing)}")
    group.permissions.add(*permissions)


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
