"""Each entry of the search index names its article's page, and on PostgreSQL the
entries' key holds it beside the article; PostgreSQL's queue of changed articles tells
a deleted one apart.

A search then checks what readers may see of a candidate on its page (every filter
of the search page is about the page), each page once: a common word's thousand
candidates lie on a hundred pages, and a rare word's check reads no index of the
articles (see ``editions.search.scan.Reader``). A deleted article, whose number the
next flush retires, is left out meanwhile by its queue row.

The live index and a build under way get the column, filled from the articles a few
thousand at a time (each batch its own transaction: readers and writers go on); on
PostgreSQL the key's index is then built again ``CONCURRENTLY``, as in 0016. An entry
left without its page (written by the earlier release's code after this ran) is
checked on its article's page at search time.
"""

import importlib

from django.db import migrations

from editions.search import backends
from editions.search.names import ENTRY, PENDING

#: Entries filled per statement (by their articles' ids).
BATCH = 20_000


def _columns(connection, cursor, table: str) -> set[str]:
    return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _fill(cursor, table: str) -> None:
    cursor.execute(f"SELECT min(article_id), max(article_id) FROM {table}")
    low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        cursor.execute(
            f"UPDATE {table} SET page_id = (SELECT a.page_id FROM editions_article a "
            f"WHERE a.id = {table}.article_id) "
            "WHERE article_id >= %s AND article_id < %s AND page_id IS NULL",
            [start, start + BATCH],
        )


def forward(apps, schema_editor):
    connection = schema_editor.connection
    backend = backends.for_connection(connection)
    with connection.cursor() as cursor:
        for table in (ENTRY, f"{ENTRY}_build"):
            if not backend.table_exists(cursor, table):
                continue
            if "page_id" not in _columns(connection, cursor, table):
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN page_id integer")
            _fill(cursor, table)
        if connection.vendor == "postgresql" and backend.table_exists(cursor, PENDING):
            if "gone" not in _columns(connection, cursor, PENDING):
                cursor.execute(
                    f"ALTER TABLE {PENDING} ADD COLUMN gone boolean NOT NULL DEFAULT false"
                )
            backend.create_gone_index(cursor)
            backend.install_triggers(cursor)
    _rekey(schema_editor, "(docno) INCLUDE (article_id, page_id)")


def backward(apps, schema_editor):
    """The key as 0016 left it; the column stays (the earlier release never reads it)."""
    _rekey(schema_editor, "(docno) INCLUDE (article_id)")


def _rekey(schema_editor, columns: str) -> None:
    importlib.import_module("editions.migrations.0016_search_entry_key_holds_article")._rekey(
        schema_editor, columns
    )


class Migration(migrations.Migration):
    atomic = False  # batches of their own, and CREATE INDEX CONCURRENTLY

    dependencies = [
        ("editions", "0016_search_entry_key_holds_article"),
    ]

    operations = [migrations.RunPython(forward, backward)]
