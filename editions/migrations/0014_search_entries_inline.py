"""PostgreSQL keeps the search index's stored runs in the entry's row, uncompressed, up
to a page's size (see ``backends.postgresql.create_schema``): rows written from now on
are stored so, the rest when ``manage.py rebuild_search_index`` next runs. SQLite
stores text in the row already."""

from django.db import migrations

from editions.search.names import ENTRY


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in (ENTRY, f"{ENTRY}_build"):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 8160)")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0013_search_postings"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
