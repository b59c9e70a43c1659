"""The search index becomes our own postings (editions/search/postings.py) on both
databases, in place of SQLite's FTS5 table and PostgreSQL's GIN index: built about
ten times faster, checked exactly against the stored runs.

The old tables go and every article is queued: ``manage.py rebuild_search_index``
(or the next import's job) indexes them; until then a search finds what is indexed.
"""

from django.db import migrations

from editions.search import backends
from editions.search.names import ENTRY, PENDING

OLD_SQLITE = ("editions_search_fts", "editions_search_fts_build")


def forward(apps, schema_editor):
    backend = backends.for_connection(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_delete")
            for table in OLD_SQLITE:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        for suffix in ("_build", ""):
            cursor.execute(f"DROP TABLE IF EXISTS {ENTRY}{suffix}")
            backend.drop_schema(cursor, suffix)
        backend.create_schema(cursor)
        backend.install_triggers(cursor)
        cursor.execute(f"DELETE FROM {PENDING}")
        cursor.execute(f"INSERT INTO {PENDING} (article_id) SELECT id FROM editions_article")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0012_change_counter"),
    ]

    # Going back leaves the new tables: the earlier release's own rebuild remakes its index.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
