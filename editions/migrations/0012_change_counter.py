"""The counter every write to the editions and papers tables moves (``editions.changes``):
readers' kept answers go by it."""

from django.db import migrations

from editions import changes


def install(apps, schema_editor):
    changes.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    changes.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0011_search_one_gin_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
