"""A rebuild swaps its tables in and leaves no other tables behind."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from editions.models import Article
from tests.factories import build_edition


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


def entry_key(cursor) -> str:
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'editions_search_entry_pkey'")
    return cursor.fetchone()[0]


def rebuild_and_read_entries() -> tuple[float, list[str]]:
    """Rebuild; the live entries' rows as the planner's statistics say, and the
    statements that gathered the statistics."""
    with CaptureQueriesContext(connection) as queries:
        call_command("rebuild_search_index", "--batch-size", "4", verbosity=0)
    with connection.cursor() as cursor:
        assert entry_key(cursor).endswith("(docno) INCLUDE (article_id, page_id)")
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", ["editions_search_entry"]
        )
        (tuples,) = cursor.fetchone()
    analyzed = [q["sql"] for q in queries.captured_queries if "ANALYZE" in q["sql"]]
    return tuples, analyzed


def test_postgresql_entries_are_keyed_with_their_article_and_analyzed(edition):
    """On PostgreSQL an entry's key holds its article and page (migrations 0016 and
    0017, and every rebuild): a check the postings decided reads that index alone. Inside a
    transaction, where VACUUM cannot run, a rebuild still leaves statistics."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite finds an entry in the table's own tree")
    with connection.cursor() as cursor:
        assert entry_key(cursor).endswith("(docno) INCLUDE (article_id, page_id)")
    tuples, analyzed = rebuild_and_read_entries()
    assert tuples == 12  # analyzed: a table never analyzed says -1
    assert analyzed == [
        "ANALYZE editions_search_entry_build, editions_search_segment_build, "
        "editions_search_posting_build"
    ]
    assert Article.objects.search("第一段").count() == 12


@pytest.mark.django_db(transaction=True)
def test_postgresql_rebuild_vacuums_its_tables_outside_a_transaction():
    """Outside a transaction a rebuild VACUUMs the new tables before the swap, for the
    visibility map a check that reads the key's index alone needs (autovacuum would
    get there only minutes after the swap)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no visibility map")
    build_edition()
    tuples, analyzed = rebuild_and_read_entries()
    assert tuples == 12
    assert analyzed == [
        "VACUUM (ANALYZE) editions_search_entry_build, editions_search_segment_build, "
        "editions_search_posting_build"
    ]


@pytest.mark.django_db(transaction=True)
def test_postgresql_migration_0016_rekeys_the_live_and_the_building_index():
    """Migration 0016 gives an index built before it (and a rebuild under way) the new
    key, built concurrently, and takes it back; no spare index is left."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite finds an entry in the table's own tree")
    from editions.search.backends import postgresql

    migration = importlib.import_module("editions.migrations.0016_search_entry_key_holds_article")

    def keys() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename IN ('editions_search_entry', 'editions_search_entry_build') "
                "AND indexname NOT LIKE '%%article_id_key' AND indexname NOT LIKE '%%edition' "
                "AND indexname NOT LIKE '%%indexed'"
            )
            return {name: definition.split(" USING btree ")[1] for name, definition in cursor}

    with transaction.atomic(), connection.cursor() as cursor:
        postgresql.create_schema(cursor, "_build")
    try:
        for step, key in ((migration.backward, "(docno)"), (migration.forward, None)):
            with connection.schema_editor(atomic=False) as editor:
                step(None, editor)
            assert keys() == {
                "editions_search_entry_pkey": key or "(docno) INCLUDE (article_id)",
                "editions_search_entry_build_pkey": key or "(docno) INCLUDE (article_id)",
            }
    finally:
        with connection.cursor() as cursor:
            postgresql.drop_schema(cursor, "_build")
        latest = importlib.import_module("editions.migrations.0017_search_entry_names_its_page")
        with connection.schema_editor(atomic=False) as editor:
            latest.forward(None, editor)  # the key as the later migration leaves it
