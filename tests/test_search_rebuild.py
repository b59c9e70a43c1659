"""A rebuild swaps its tables in and leaves no other tables behind."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from editions.models import Article


def search_tables() -> set[str]:
    return {
        name
        for name in connection.introspection.table_names()
        if name.startswith("editions_search_")
    }


def test_a_rebuild_leaves_only_the_live_tables(edition):
    before = search_tables()
    call_command("rebuild_search_index", "--batch-size", "4", verbosity=0)
    assert search_tables() == before
    assert not any(name.endswith(("_build", "_old")) for name in before)
    assert Article.objects.search("第一段").count() == 12


def test_tables_a_stopped_swap_left_are_dropped_by_the_next_rebuild(edition):
    """On SQLite the replaced tables are renamed in the swap and dropped after it; a
    process stopped in between leaves them for the next rebuild to drop."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL drops the old tables in the swap itself")
    from editions.search.backends import sqlite

    before = search_tables()
    with connection.cursor() as cursor:
        for table in (sqlite.ENTRY, sqlite.SEGMENT, sqlite.POSTING):
            cursor.execute(f"CREATE TABLE {table}{sqlite.OLD} (id INTEGER PRIMARY KEY)")
        # more rows than one statement deletes: the drop goes a chunk at a time
        cursor.executemany(
            f"INSERT INTO {sqlite.POSTING}{sqlite.OLD} (id) VALUES (%s)",
            [(n,) for n in range(2 * sqlite._DROP_CHUNK + 3)],
        )
    assert len(search_tables()) == len(before) + 3
    call_command("rebuild_search_index", verbosity=0)
    assert search_tables() == before
    assert Article.objects.search("第一段").count() == 12
