"""One number the database moves whenever an edition or a paper row is written.

A reader's page depends on its edition's row (its ``updated_at``, which every
correction below it moves too), its paper's row, how many papers are listed and
whether the paper has a published edition before and after: rows of two tables.
Triggers on both tables add one to a counter in the same transaction as the
write, however it is made: a ``save()``, a queryset ``update()`` or
``delete()``, the importer's bulk writes, SQL by hand. So a process that found
an edition while the counter stood at *n* may take the same answer again for as
long as the counter still says *n*: reading one integer by its primary key
instead of the edition lookup (see ``caching.remembered_answer``). Every node
reads the same database, so a change made through one is seen by all of them
on their next request, as with the lookup itself.

On PostgreSQL the triggers are deferred to the commit: the counter's row is the
last lock a writing transaction takes, held only while it commits, so writers
queue there for a moment but can never deadlock on it (an immediate trigger
would take it at the first edition written and hold it through everything the
transaction locks afterwards). A reader inside a transaction therefore cannot
trust the counter for its own uncommitted writes, and ``current()`` answers
None there. SQLite has one writer at a time and fires its triggers at once.

SQLite drops a table's triggers when a migration remakes the table, so they
are installed again after every ``migrate`` (``signals``), idempotently. The
counter's table is not a model: no flush or fixture loading empties it, and a
flush's TRUNCATE on PostgreSQL moves it too.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

TABLE = "editions_change_counter"
WATCHED = ("editions_edition", "editions_paper")
SUPPORTED = ("sqlite", "postgresql")
_BUMP = f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1"
#: What a reader asks on every request a kept answer may serve (``lookup`` asks the
#: same as one column of the edition's own query).
READ = f"SELECT value FROM {TABLE} WHERE id = 1"


def install(connection) -> None:
    """The counter's table and row, and the triggers on the watched tables (idempotent)."""
    vendor = connection.vendor
    if vendor not in SUPPORTED:
        return
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"
            )
            cursor.execute(f"INSERT OR IGNORE INTO {TABLE} (id, value) VALUES (1, 0)")
            for table in WATCHED:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted "
                        f"AFTER {event} ON {table} BEGIN {_BUMP}; END"
                    )
            return
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, value bigint NOT NULL)"
        )
        cursor.execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, 0) ON CONFLICT DO NOTHING")
        # Once per transaction however many rows it writes: the flag lives until its end.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF current_setting('{TABLE}.bumped', true) IS DISTINCT FROM 'yes' THEN "
            f"PERFORM set_config('{TABLE}.bumped', 'yes', true); {_BUMP}; END IF; "
            "RETURN NULL; END $$"
        )
        for table in WATCHED:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}")
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER {table}_counted AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION {TABLE}_bump()"
            )
            # A TRUNCATE fires no row's trigger (a test database's flush is one).
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_truncate_counted ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {table}_truncate_counted AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump()"
            )


def uninstall(connection) -> None:
    """The triggers, the function they call and the counter's table, gone."""
    if connection.vendor not in SUPPORTED:
        return
    drop_triggers(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_bump()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def drop_triggers(connection) -> None:
    """What a migration that remakes a watched table does to them on SQLite."""
    with connection.cursor() as cursor:
        for table in WATCHED:
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_counted")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_truncate_counted ON {table}")


def current(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The counter now; None where it cannot vouch for what this connection reads.

    None inside a transaction (on PostgreSQL its own writes move the counter only
    when it commits) and on a database without the triggers.
    """
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in SUPPORTED:
        return None
    with connection.cursor() as cursor:
        cursor.execute(READ)
        row = cursor.fetchone()
    return row[0] if row else None
