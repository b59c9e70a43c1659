"""PostgreSQL: the search index's key (an entry's number) holds the entry's article
too, so the check of a candidate whose words the postings decided (one or two
characters: most Chinese queries) reads the key's index alone, not the entry's row of
stored runs. A thousand candidates whose rows were not in memory were a thousand reads
from disk. Entries built by ``rebuild_search_index`` from now on get the key so.

For the live index (and a build under way) the new key's index is built
``CONCURRENTLY`` (seconds at a million articles, while readers search and writers write),
then takes the old key's place in one brief ``ALTER TABLE``. Not atomic, therefore:
a spare index a stopped run left behind (perhaps invalid) is dropped and built again.

SQLite needs none: an entry is found by its number in the table's own tree."""

from django.db import migrations

from editions.search.names import ENTRY


def _rekey(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in (ENTRY, f"{ENTRY}_build"):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not cursor.fetchone()[0]:
                continue
            key = f"{table}_newkey"
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {key}")
            cursor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {key} ON {table} {columns}")
            # The index becomes the key and takes its name.
            cursor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
                f"ADD CONSTRAINT {table}_pkey PRIMARY KEY USING INDEX {key}"
            )


def forward(apps, schema_editor):
    _rekey(schema_editor, "(docno) INCLUDE (article_id)")


def backward(apps, schema_editor):
    _rekey(schema_editor, "(docno)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("editions", "0015_article_page_covering_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
