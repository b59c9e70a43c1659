"""PostgreSQL's search index becomes one GIN index over a ``tsvector`` of the tokens
(one-character words as prefix lookups) in place of two over arrays of tokens and of
characters: a third less to build, 0.3x the text less to store. The tokens stored
do not change, so the new index is built from them here; SQLite is unchanged.

A rebuild that was interrupted loses the old indexes it had made: resumed, it
makes the new one.
"""

from django.db import migrations

ENTRY = "editions_search_entry"
NEW = "array_to_tsvector(array_remove(string_to_array(head || body, ' '), ''))"
OLD = {
    "tokens": "string_to_array(head || body, ' ')",
    "chars": "string_to_array(head || body, NULL)",
}


def _tables(cursor):
    for table in (ENTRY, ENTRY + "_build"):
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if cursor.fetchone()[0]:
            yield table


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in list(_tables(cursor)):
            cursor.execute(f"DROP INDEX IF EXISTS {table}_chars")
            cursor.execute(f"DROP INDEX IF EXISTS {table}_tokens")
            if table == ENTRY:
                cursor.execute(f"CREATE INDEX {table}_tokens ON {table} USING gin (({NEW}))")
                cursor.execute(f"ALTER INDEX {table}_tokens ALTER COLUMN 1 SET STATISTICS 1000")
                cursor.execute(f"ANALYZE {table}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in list(_tables(cursor)):
            cursor.execute(f"DROP INDEX IF EXISTS {table}_tokens")
            if table == ENTRY:
                for name, expression in OLD.items():
                    cursor.execute(
                        f"CREATE INDEX {table}_{name} ON {table} USING gin (({expression}))"
                    )
                    cursor.execute(f"ALTER INDEX {table}_{name} ALTER COLUMN 1 SET STATISTICS 1000")
                cursor.execute(f"ANALYZE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0010_page_printed"),
    ]

    operations = [migrations.RunPython(forward, backward)]
