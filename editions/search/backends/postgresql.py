"""PostgreSQL: the index's three tables, its queue, and the few words of SQL that differ.

The same tables as on SQLite (see :mod:`..store`): ``bytea`` for the packed
postings, ``strpos`` for a match, a list of document numbers as one array
parameter. Segment numbers come from a sequence and writers of the index take one
advisory lock, so two workers flushing at once never pick the same document or
segment number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from functools import partial

import psycopg

from ..names import ENTRY, PENDING, POSTING, SEGMENT

__all__ = ["ENTRY", "PENDING", "POSTING", "SEGMENT"]

SEQUENCE = "editions_search_segment_numbers"
#: The advisory lock the index's writers share (any constant the project owns).
LOCK = 0x5EA4C4


#: What the entries' key holds beside the number (see :func:`create_schema`).
KEY_INCLUDES = "INCLUDE (article_id, page_id)"


def create_schema(cursor, suffix: str = "") -> None:
    cursor.execute(
        f"CREATE TABLE {ENTRY}{suffix} ("
        " docno bigint NOT NULL,"
        " article_id integer UNIQUE,"  # none: a retired number
        " page_id integer,"  # the article's page when it was indexed
        " edition_id integer NOT NULL,"
        " digest bigint NOT NULL,"
        " indexed_at double precision NOT NULL,"
        " head text NOT NULL,"
        " body text NOT NULL,"
        # The article and its page beside the number in the key's index: a check that
        # needs no text (the words were the postings' to decide) reads this index
        # alone, not a row of stored runs per candidate (a read from disk each, when
        # not in memory).
        f" CONSTRAINT {ENTRY}{suffix}_pkey PRIMARY KEY (docno) {KEY_INCLUDES})"
        # An article's runs stay in the row, uncompressed, up to a page's size: every
        # check reads them, and a TOAST lookup and decompression per row cost more than
        # the little that Chinese text compresses (the table is no larger this way).
        " WITH (toast_tuple_target = 8160)"
    )
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_edition ON {ENTRY}{suffix} (edition_id)")
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_indexed ON {ENTRY}{suffix} (indexed_at)")
    try:  # for the longest articles: lz4 reads back faster than pglz, where the server has it
        cursor.execute("SAVEPOINT search_lz4")
        cursor.execute(f"ALTER TABLE {ENTRY}{suffix} ALTER COLUMN body SET COMPRESSION lz4")
        cursor.execute("RELEASE SAVEPOINT search_lz4")
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT search_lz4")
    cursor.execute(
        f"CREATE TABLE {SEGMENT}{suffix} ("
        " id bigint PRIMARY KEY,"
        " documents integer NOT NULL,"
        " low bigint NOT NULL,"
        " high bigint NOT NULL,"
        " buckets integer NOT NULL,"
        " stamp bigint NOT NULL,"
        " map bytea NOT NULL)"
    )
    # Packed arrays do not compress: stored as they are, read without a detour.
    cursor.execute(f"CREATE TABLE {POSTING}{suffix} (id bigint PRIMARY KEY, data bytea NOT NULL)")
    cursor.execute(f"ALTER TABLE {POSTING}{suffix} ALTER COLUMN data SET STORAGE EXTERNAL")
    cursor.execute(f"ALTER TABLE {SEGMENT}{suffix} ALTER COLUMN map SET STORAGE EXTERNAL")
    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_schema(cursor, suffix: str = "") -> None:
    for table in (POSTING, SEGMENT, ENTRY):
        cursor.execute(f"DROP TABLE IF EXISTS {table}{suffix}")


def table_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


def swap_in(cursor, suffix: str) -> None:
    """Replace the live index by the one built under ``suffix`` (inside a transaction)."""
    drop_schema(cursor)
    for table in (ENTRY, SEGMENT, POSTING):
        cursor.execute(f"ALTER TABLE {table}{suffix} RENAME TO {table}")
        cursor.execute(f"ALTER INDEX IF EXISTS {table}{suffix}_pkey RENAME TO {table}_pkey")
    for name in ("article_id_key", "edition", "indexed"):
        cursor.execute(f"ALTER INDEX IF EXISTS {ENTRY}{suffix}_{name} RENAME TO {ENTRY}_{name}")


def analyze(cursor, suffix: str) -> None:
    """Statistics for the planner and, outside a transaction, the visibility map that
    lets a check read the key's index alone (autovacuum would get there, minutes after
    the swap): a few seconds per million articles."""
    tables = ", ".join(f"{table}{suffix}" for table in (ENTRY, SEGMENT, POSTING))
    in_transaction = not cursor.db.get_autocommit()  # in atomic(), or autocommit off
    cursor.execute(f"ANALYZE {tables}" if in_transaction else f"VACUUM (ANALYZE) {tables}")


def drop_old(cursor) -> None:
    """Nothing: the swap dropped the old tables (PostgreSQL unlinks their files at once)."""


def lock_writes(cursor) -> None:
    """One writer of the index at a time (held to the end of the transaction)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def next_segment(cursor, suffix: str = "") -> int:
    cursor.execute(f"SELECT nextval('{SEQUENCE}')")
    return cursor.fetchone()[0]


def contains(column: str) -> str:
    """SQL true where the text ``column`` holds the parameter."""
    return f"strpos({column}, %s) > 0"


def among(column: str, values: Iterable[int]) -> tuple[str, list]:
    """``column`` is one of ``values``: one array parameter however many there are,
    written as the array's text (psycopg would quote a list of a thousand numbers one
    by one, through Django's client-side binding: a millisecond or two a statement)."""
    return f"{column} = ANY(%s::bigint[])", [_array(values)]


def _array(values: Iterable[int]) -> str:
    """An array literal of integers: one parameter however long."""
    return "{" + ",".join(map(str, map(int, values))) + "}"


#: The index's columns by name, with their types: COPY's binary format needs them.
COLUMN_TYPES = {
    "id": "int8",
    "docno": "int8",
    "article_id": "int4",
    "page_id": "int4",
    "edition_id": "int4",
    "digest": "int8",
    "indexed_at": "float8",
    "head": "text",
    "body": "text",
    "documents": "int4",
    "low": "int8",
    "high": "int8",
    "buckets": "int4",
    "stamp": "int8",
    "map": "bytea",
    "data": "bytea",
}


def fetch_binary(cursor, sql: str, params: list) -> list[tuple]:
    """The rows of a query, in PostgreSQL's binary format: a ``bytea`` comes as its
    bytes. (Django's cursors ask for text, in which the packed postings travel in
    hex, twice their size, encoded and decoded on both sides: 40% of a posting read.)

    Run as Django runs its own: refused in a broken transaction, through the
    connection's execute wrappers (tracing, query counting), logged when queries
    are, its errors Django's."""
    connection = cursor.db
    connection.validate_no_broken_transaction()
    rows: list[tuple] = []

    def execute(sql, params, many, context):
        with psycopg.Cursor(connection.connection) as binary:
            binary.execute(sql, params, binary=True)
            rows.extend(binary.fetchall())

    for wrapper in reversed(connection.execute_wrappers):
        execute = partial(wrapper, execute)
    logged = cursor.debug_sql(sql, params) if hasattr(cursor, "debug_sql") else nullcontext()
    with logged, connection.wrap_database_errors:
        execute(sql, params, False, {"connection": connection, "cursor": cursor})
    return rows


def insert_rows(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """COPY in the binary format: the packed postings travel as they are (as text, a
    ``bytea`` is written and parsed as hex, twice its size)."""
    names = ", ".join(columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([COLUMN_TYPES[column] for column in columns])
        for row in rows:
            copy.write_row(row)


def size_bytes(cursor) -> int:
    cursor.execute(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
        "WHERE c.relkind = 'r' AND c.relname IN (%s, %s, %s)",
        [ENTRY, SEGMENT, POSTING],
    )
    return cursor.fetchone()[0]


# --- the queue of changed articles ------------------------------------------------


def create_triggers(cursor) -> None:
    """The queue, and the triggers that fill it (see :func:`install_triggers`)."""
    # gone: the article was deleted (see install_triggers).
    cursor.execute(
        f"CREATE TABLE {PENDING} "
        "(article_id integer PRIMARY KEY, gone boolean NOT NULL DEFAULT false)"
    )
    create_gone_index(cursor)
    install_triggers(cursor)


def install_triggers(cursor) -> None:
    """Every write to an article's text, by the ORM, in bulk or by hand, queues it, and
    so does its deletion. Idempotent (run after every ``migrate``, as on SQLite).

    A deleted article leaves the results at once: its queue row says it is gone, and
    a search leaves gone articles out (:func:`gone`); its number is retired by the
    next flush, which finds it gone. The trigger does not retire it itself: the
    deleting transaction would then hold the entry's row, and a flush holding the
    writers' lock and wanting that row would deadlock with it if the transaction went
    on to save an article. (Article ids come
    from a sequence and are never given again, so the number cannot meanwhile match
    another article.)"""
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {PENDING}_article() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN IF TG_OP = 'DELETE' THEN "
        f"INSERT INTO {PENDING} (article_id, gone) VALUES (OLD.id, true) "
        "ON CONFLICT (article_id) DO UPDATE SET gone = true; "
        "RETURN OLD; END IF; "
        f"INSERT INTO {PENDING} (article_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; "
        "RETURN NEW; END $$"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_article ON editions_article")
    cursor.execute(
        f"CREATE TRIGGER {PENDING}_article AFTER INSERT OR DELETE OR UPDATE OF kicker, title, "
        "subtitle, byline, body, page_id ON editions_article "
        f"FOR EACH ROW EXECUTE FUNCTION {PENDING}_article()"
    )


def gone() -> str:
    """SQL: the articles deleted since they were indexed, an array (the queue says so
    until the next flush retires their numbers): a search leaves them out."""
    return f"(SELECT array_agg(q.article_id) FROM {PENDING} q WHERE q.gone)"


def values(alias: str, column: str, numbers: Iterable[int]) -> tuple[str, list]:
    """A table ``alias`` of one column of these numbers (one array parameter)."""
    return f"unnest(%s::bigint[]) AS {alias}({column})", [_array(numbers)]


def create_gone_index(cursor) -> None:
    """The queue's deleted articles, read by every search: a few rows, where the queue
    itself may hold (or, until a vacuum, have held) every article an import wrote."""
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {PENDING}_gone ON {PENDING} (article_id) WHERE gone"
    )


def drop_triggers(cursor) -> None:
    cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_article ON editions_article")
    cursor.execute(f"DROP FUNCTION IF EXISTS {PENDING}_article()")
    cursor.execute(f"DROP TABLE IF EXISTS {PENDING}")


def take_pending(cursor, limit: int) -> list[int]:
    # Locked, so a concurrent write to one of them waits for this flush and queues
    # the article again, rather than being lost when the queue row is deleted.
    cursor.execute(
        f"SELECT article_id FROM {PENDING} ORDER BY article_id LIMIT {int(limit)} "
        "FOR UPDATE SKIP LOCKED"
    )
    return [row[0] for row in cursor.fetchall()]


def clear_pending(cursor, article_ids: Sequence[int]) -> None:
    cursor.execute(f"DELETE FROM {PENDING} WHERE article_id = ANY(%s)", [list(article_ids)])
