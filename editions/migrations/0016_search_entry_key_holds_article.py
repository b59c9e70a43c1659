"""PostgreSQL: the search index's key (an entry's number) holds the entry's article
too, so the check of a candidate whose words the postings decided (one or two
characters: most Chinese queries) reads the key's index alone, not the entry's row of
stored runs. A thousand candidates whose rows were not in memory were a thousand reads
from disk. Entries built by ``rebuild_search_index`` from now on get the key so; this
rebuilds the key of the live index (and of a build under way), a few seconds per
million articles, during which the index's writers wait.

SQLite needs none: an entry is found by its number in the table's own tree."""

from django.db import migrations

from editions.search.names import ENTRY


def _rekey(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in (ENTRY, f"{ENTRY}_build"):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
                    f"ADD CONSTRAINT {table}_pkey PRIMARY KEY {columns}"
                )


def forward(apps, schema_editor):
    _rekey(schema_editor, "(docno) INCLUDE (article_id)")


def backward(apps, schema_editor):
    _rekey(schema_editor, "(docno)")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0015_article_page_covering_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
