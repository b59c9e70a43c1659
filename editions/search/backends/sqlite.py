"""SQLite: the index's three tables, its queue, and the few words of SQL that differ.

The documents (:data:`ENTRY`), the segments (:data:`SEGMENT`) and their packed
postings (:data:`POSTING`, one row per segment and bucket, its rowid the two
together) are plain tables (see :mod:`..store`). A match is checked with
``instr`` on the stored runs; a list of document numbers travels as one JSON
array (``json_each``), whatever its length.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..names import ENTRY, PENDING, POSTING, RETIRE, SEGMENT, STATE

__all__ = ["ENTRY", "PENDING", "POSTING", "SEGMENT", "STATE"]

_CHUNK = 500


def create_schema(cursor, suffix: str = "") -> None:
    cursor.execute(
        f"CREATE TABLE {ENTRY}{suffix} ("
        " docno INTEGER PRIMARY KEY,"
        " article_id INTEGER UNIQUE,"  # none: a retired number
        " page_id INTEGER,"  # the article's page when it was indexed
        " edition_id INTEGER NOT NULL,"
        " digest INTEGER NOT NULL,"
        " indexed_at REAL NOT NULL,"
        " head TEXT NOT NULL,"
        " body TEXT NOT NULL)"
    )
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_edition ON {ENTRY}{suffix} (edition_id)")
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_indexed ON {ENTRY}{suffix} (indexed_at)")
    cursor.execute(
        f"CREATE TABLE {SEGMENT}{suffix} ("
        " id INTEGER PRIMARY KEY,"
        " documents INTEGER NOT NULL,"
        " low INTEGER NOT NULL,"
        " high INTEGER NOT NULL,"
        " buckets INTEGER NOT NULL,"
        " stamp INTEGER NOT NULL,"
        " map BLOB NOT NULL)"
    )
    cursor.execute(f"CREATE TABLE {POSTING}{suffix} (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE} (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    )


def drop_schema(cursor, suffix: str = "") -> None:
    for table in (POSTING, SEGMENT, ENTRY, "editions_search_fts"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}{suffix}")


def table_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [name])
    return cursor.fetchone() is not None


#: Where the replaced index waits to be dropped once the swap is committed.
OLD = "_old"


def swap_in(cursor, suffix: str) -> None:
    """Replace the live index by the one built under ``suffix`` (inside a transaction).

    The old tables are only renamed (:data:`OLD`), and dropped by :func:`drop_old`
    after the swap commits: SQLite frees a dropped table page by page, a minute or
    more for a million articles' index, and readers would wait for it.
    """
    # SQLite checks every trigger when a table is renamed: the one naming the entry
    # table goes while there is none.
    cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_delete")
    drop_schema(cursor, OLD)
    for index in ("edition", "indexed"):
        cursor.execute(f"DROP INDEX IF EXISTS {ENTRY}_{index}")
    for table in (ENTRY, SEGMENT, POSTING):
        if table_exists(cursor, table):
            cursor.execute(f"ALTER TABLE {table} RENAME TO {table}{OLD}")
        cursor.execute(f"ALTER TABLE {table}{suffix} RENAME TO {table}")
    for index, column in (("edition", "edition_id"), ("indexed", "indexed_at")):
        cursor.execute(f"DROP INDEX {ENTRY}{suffix}_{index}")
        cursor.execute(f"CREATE INDEX {ENTRY}_{index} ON {ENTRY} ({column})")
    _create_delete_trigger(cursor)


#: Rows deleted per statement when the replaced index is dropped.
_DROP_CHUNK = 2000


def analyze(cursor, suffix: str) -> None:
    """Nothing: SQLite finds an entry by its number in the table's own tree, whatever
    its statistics say, and reads nothing a check does not need."""


def drop_old(cursor) -> None:
    """Drop the index a swap replaced, after the swap: a few thousand rows per
    statement, each its own transaction outside a ``transaction.atomic()``, so a
    writer (an import, an editor's save) waits for one of them, never for the whole
    drop (SQLite holds its one write lock for as long as a ``DROP TABLE`` runs)."""
    for table in (POSTING, SEGMENT, ENTRY):
        name = f"{table}{OLD}"
        if not table_exists(cursor, name):
            continue
        while True:
            cursor.execute(
                f"DELETE FROM {name} WHERE rowid IN (SELECT rowid FROM {name} LIMIT {_DROP_CHUNK})"
            )
            if cursor.rowcount < _DROP_CHUNK:
                break
    drop_schema(cursor, OLD)


def lock_writes(cursor) -> None:
    """SQLite has one writer at a time already."""


def next_segment(cursor, suffix: str = "") -> int:
    """A segment number never given before, by this index or a rebuilt one: readers
    keep a segment's map under its number."""
    cursor.execute(
        f"INSERT INTO {STATE} (name, value) VALUES ('segment', 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
    )
    return cursor.fetchone()[0]


def contains(column: str) -> str:
    """SQL true where the text ``column`` holds the parameter."""
    return f"instr({column}, %s) > 0"


def among(column: str, values: Iterable[int]) -> tuple[str, list]:
    """``column`` is one of ``values``: one parameter however many there are."""
    return f"{column} IN (SELECT value FROM json_each(%s))", [_array(values)]


def _array(values: Iterable[int]) -> str:
    """A JSON array of integers: one parameter however long."""
    return json.dumps(list(map(int, values)))


def values(alias: str, column: str, numbers: Iterable[int]) -> tuple[str, list]:
    """A table ``alias`` of one column of these numbers (one parameter)."""
    return f"(SELECT value AS {column} FROM json_each(%s)) AS {alias}", [_array(numbers)]


def gone() -> str:
    """None: the delete trigger retires a deleted article's number at once."""
    return "NULL"


def fetch_binary(cursor, sql: str, params: list) -> list[tuple]:
    """The rows of a query (blobs come as bytes already)."""
    cursor.execute(sql, params)
    return cursor.fetchall()


def insert_rows(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def size_bytes(cursor) -> int:
    """Bytes of the index's tables (needs SQLite's dbstat table)."""
    cursor.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE %s",
        ["editions_search_%"],
    )
    return cursor.fetchone()[0]


# --- the queue of changed articles ------------------------------------------------


def create_triggers(cursor) -> None:
    """The queue, and the triggers that fill it (see :func:`install_triggers`)."""
    cursor.execute(f"CREATE TABLE {PENDING} (article_id INTEGER PRIMARY KEY)")
    install_triggers(cursor)


def install_triggers(cursor) -> None:
    """Every write to an article's text, by the ORM, in bulk or by hand, queues it; a
    deleted article leaves the index at once.

    Idempotent, and run after every ``migrate``: SQLite drops a table's triggers with
    the table when a migration remakes it. The triggers name no table a Django
    migration could remake but the articles', which they belong to.
    """
    enqueue = f"INSERT OR IGNORE INTO {PENDING} (article_id) VALUES (NEW.id);"
    cursor.execute(
        f"CREATE TRIGGER IF NOT EXISTS {PENDING}_insert AFTER INSERT ON editions_article "
        f"BEGIN {enqueue} END"
    )
    cursor.execute(
        f"CREATE TRIGGER IF NOT EXISTS {PENDING}_update AFTER UPDATE OF kicker, title, "
        f"subtitle, byline, body, page_id ON editions_article BEGIN {enqueue} END"
    )
    _create_delete_trigger(cursor)


def _create_delete_trigger(cursor) -> None:
    cursor.execute(
        f"CREATE TRIGGER IF NOT EXISTS {PENDING}_delete AFTER DELETE ON editions_article BEGIN "
        f"{RETIRE} WHERE article_id = OLD.id; "
        f"DELETE FROM {PENDING} WHERE article_id = OLD.id; END"
    )


def drop_triggers(cursor) -> None:
    for name in ("insert", "update", "delete"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_{name}")
    cursor.execute(f"DROP TABLE IF EXISTS {PENDING}")


def take_pending(cursor, limit: int) -> list[int]:
    cursor.execute(f"SELECT article_id FROM {PENDING} ORDER BY article_id LIMIT {int(limit)}")
    return [row[0] for row in cursor.fetchall()]


def clear_pending(cursor, article_ids: Sequence[int]) -> None:
    for start in range(0, len(article_ids), _CHUNK):
        chunk = list(article_ids[start : start + _CHUNK])
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM {PENDING} WHERE article_id IN ({marks})", chunk)
