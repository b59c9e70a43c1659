"""SQLite: an FTS5 index over our own tokens, read in key order.

The FTS5 table is *contentless* (it keeps the index, not the text: the text is in
the articles' own rows) with a one-character prefix index, so a one-character
word is a single lookup like any other. Its rowid is the document's key (day
number and a sequence number, :mod:`..documents`): FTS5 walks its doclists in
rowid order and a query ``ORDER BY rowid DESC LIMIT 21`` stops after 21 matches,
whether three articles match or a million, and a date range is a rowid range it
seeks to.

SQLite 3.40 cannot delete a row from a contentless table without its old tokens,
so a changed or deleted article leaves its old row in FTS5 (*garbage*) and every
read joins ``editions_search_entry``, which maps live keys to articles: a stale
row never matches. A new version gets a new key (the sequence number), so old and
new tokens never merge. ``rebuild_search_index`` writes a fresh index and drops
the garbage; the state table counts it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from ..documents import LOW_BITS, Document
from ..query import Query, Term, Tokens

ENTRY = "editions_search_entry"
FTS = "editions_search_fts"
STATE = "editions_search_state"
#: Every Unicode category but spaces and controls is part of a token: the tokens
#: are ours, FTS5 only splits them at the spaces that separate them.
TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn'"
#: Words closer than this many tokens (about characters) rank as near each other.
NEAR_DISTANCE = 12
_CHUNK = 500
#: Documents carry their distinct characters (the columns one-character words read).
NEEDS_CHARS = True


def create_schema(cursor, suffix: str = "") -> None:
    cursor.execute(
        f"CREATE TABLE {ENTRY}{suffix} ("
        " key INTEGER PRIMARY KEY,"  # the FTS5 rowid
        " article_id INTEGER NOT NULL UNIQUE,"
        " edition_id INTEGER NOT NULL,"
        " digest INTEGER NOT NULL,"
        " indexed_at REAL NOT NULL)"
    )
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_edition ON {ENTRY}{suffix} (edition_id)")
    cursor.execute(f"CREATE INDEX {ENTRY}{suffix}_indexed ON {ENTRY}{suffix} (indexed_at)")
    cursor.execute(
        f"CREATE VIRTUAL TABLE {FTS}{suffix} USING fts5(head, body, head_chars, chars, "
        f"content='', columnsize=0, tokenize=\"{TOKENIZER}\")"
    )
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE} (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    )


def drop_schema(cursor, suffix: str = "") -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {FTS}{suffix}")
    cursor.execute(f"DROP TABLE IF EXISTS {ENTRY}{suffix}")
    if not suffix:
        cursor.execute(f"DROP TABLE IF EXISTS {STATE}")
    else:
        cursor.execute(f"DELETE FROM {STATE} WHERE name LIKE %s", [f"%{suffix}"])


def table_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [name])
    return cursor.fetchone() is not None


def swap_in(cursor, suffix: str) -> None:
    """Replace the live index by the one built under ``suffix`` (inside a transaction)."""
    seq = _state(cursor, f"seq{suffix}")
    # SQLite checks every trigger when a table is renamed: the one naming the entry
    # table goes while there is none.
    cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_delete")
    drop_schema(cursor)
    cursor.execute(f"ALTER TABLE {FTS}{suffix} RENAME TO {FTS}")
    cursor.execute(f"ALTER TABLE {ENTRY}{suffix} RENAME TO {ENTRY}")
    for index in ("edition", "indexed"):
        cursor.execute(f"DROP INDEX {ENTRY}{suffix}_{index}")
        cursor.execute(f"CREATE INDEX {ENTRY}_{index} ON {ENTRY} ({_INDEX_COLUMNS[index]})")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE} (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    )
    _set_state(cursor, "seq", seq)
    _set_state(cursor, "garbage", 0)
    _create_delete_trigger(cursor)


_INDEX_COLUMNS = {"edition": "edition_id", "indexed": "indexed_at"}


def _state(cursor, name: str) -> int:
    cursor.execute(f"SELECT value FROM {STATE} WHERE name = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else 0


def _set_state(cursor, name: str, value: int) -> None:
    cursor.execute(
        f"INSERT INTO {STATE} (name, value) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [name, value],
    )


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def write(cursor, docs: Sequence[Document], suffix: str = "", *, fresh: bool = False) -> int:
    """Add or replace the documents; unchanged ones are left alone. Returns how many
    were written. ``fresh``: the table is being built and holds none of them yet."""
    existing: dict[int, tuple[int, int, int]] = {}
    if not fresh:
        for chunk in _chunks([d.article_id for d in docs]):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT article_id, key, edition_id, digest FROM {ENTRY}{suffix} "
                f"WHERE article_id IN ({marks})",
                list(chunk),
            )
            existing.update((row[0], row[1:]) for row in cursor.fetchall())
    changed = []
    for doc in docs:
        old = existing.get(doc.article_id)
        if (
            old is not None
            and old[1:] == (doc.edition_id, doc.digest)
            and (old[0] >> LOW_BITS == doc.date.toordinal())
        ):
            continue
        changed.append(doc)
    if not changed:
        return 0
    replaced = [doc.article_id for doc in changed if doc.article_id in existing]
    if replaced:
        for chunk in _chunks(replaced):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {ENTRY}{suffix} WHERE article_id IN ({marks})", chunk)
        _set_state(cursor, "garbage", _state(cursor, "garbage") + len(replaced))
    seq = _state(cursor, f"seq{suffix}")
    now = time.time()
    keys = [doc.day_key | ((seq + n) & 0xFFFFFFFF) for n, doc in enumerate(changed, 1)]
    _set_state(cursor, f"seq{suffix}", seq + len(changed))
    cursor.executemany(
        f"INSERT INTO {FTS}{suffix} (rowid, head, body, head_chars, chars) "
        "VALUES (%s, %s, %s, %s, %s)",
        [
            (key, doc.head, doc.body, doc.head_chars, doc.chars)
            for key, doc in zip(keys, changed, strict=True)
        ],
    )
    cursor.executemany(
        f"INSERT INTO {ENTRY}{suffix} (key, article_id, edition_id, digest, indexed_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [
            (key, doc.article_id, doc.edition_id, doc.digest, now)
            for key, doc in zip(keys, changed, strict=True)
        ],
    )
    return len(changed)


def remove(cursor, article_ids: Sequence[int], suffix: str = "") -> None:
    removed = 0
    for chunk in _chunks(list(article_ids)):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM {ENTRY}{suffix} WHERE article_id IN ({marks})", chunk)
        removed += max(cursor.rowcount, 0)
    if removed and not suffix:
        _set_state(cursor, "garbage", _state(cursor, "garbage") + removed)


def size_bytes(cursor) -> int:
    """Bytes of the index's tables (needs SQLite's dbstat table)."""
    cursor.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE %s OR name LIKE %s",
        [f"{FTS}%", f"{ENTRY}%"],
    )
    return cursor.fetchone()[0]


# --- reading -------------------------------------------------------------------


def _phrase(seq: Tokens) -> str:
    return '"' + " ".join(seq.tokens) + '"' + ("*" if seq.prefix else "")


def _sequence(seq: Tokens, *, head: bool = False) -> str:
    """One-character words are looked up among the distinct characters (a column of
    their own: no prefix index needed); the rest among the tokens."""
    if seq.is_char:
        return ("{head_chars}" if head else "{chars}") + f' : "{seq.tokens[0]}"'
    return ("{head}" if head else "{head body}") + " : " + _phrase(seq)


def _term(term: Term, *, head: bool = False) -> str:
    return "(" + " OR ".join(_sequence(alt, head=head) for alt in term.alternatives) + ")"


def _all(terms: list[Term], *, head: bool = False) -> str:
    return "(" + " AND ".join(_term(t, head=head) for t in terms) + ")"


def _without(expression: str, query: Query) -> str:
    for term in query.excluded:
        expression = f"({expression} NOT {_term(term)})"
    return expression


def _head(query: Query) -> str:
    return _all(query.terms, head=True)


def _near(query: Query) -> str | None:
    """Several words (none of a single character) within a few tokens of each other."""
    if len(query.terms) < 2 or any(t.alternatives[0].is_char for t in query.terms):
        return None
    phrases = " ".join(_phrase(t.alternatives[0]) for t in query.terms)
    return "{head body} : " + f"NEAR({phrases}, {NEAR_DISTANCE})"


def match_condition(query: Query) -> str:
    return _without(_all(query.terms), query)


def tier_conditions(query: Query) -> list[tuple[int, str]]:
    """(tier, expression) from the best tier down; each matches only its own articles.

    2: every word in the kicker, title or subtitle; 1: the words near each other;
    0: the other matches.
    """
    head, near = _head(query), _near(query)
    tiers = [(2, _without(head, query))]
    if near:
        tiers.append((1, _without(f"({near} NOT {head})", query)))
        tiers.append((0, _without(f"(({_all(query.terms)} NOT {head}) NOT {near})", query)))
    else:
        tiers.append((0, _without(f"({_all(query.terms)} NOT {head})", query)))
    return tiers


def ids_sql(query: Query) -> tuple[str, list]:
    """Every matching article id (a plain filter: fine for small sets and tests)."""
    return (
        f"SELECT e.article_id FROM {FTS} f JOIN {ENTRY} e ON e.key = f.rowid WHERE {FTS} MATCH %s",
        [match_condition(query)],
    )


def scan_sql(
    expression: str,
    exists: tuple[str, list],
    low: int,
    high: int,
    *,
    descending: bool,
    limit: int,
    columns: str = "f.rowid AS key, e.article_id",
    using: str | None = None,
) -> tuple[str, list]:
    """Matches of ``expression`` with keys in [low, high), that pass ``exists``, in key
    order: FTS5 drives, so it stops after ``limit`` rows (one plan whatever the
    words, so ``using`` is not needed)."""
    exists_sql, exists_params = exists
    order = "DESC" if descending else "ASC"
    return (
        f"SELECT {columns} FROM {FTS} f JOIN {ENTRY} e ON e.key = f.rowid "
        f"WHERE {FTS} MATCH %s AND f.rowid >= %s AND f.rowid < %s "
        f"AND EXISTS ({exists_sql}) ORDER BY f.rowid {order} LIMIT {int(limit)}",
        [expression, low, high, *exists_params],
    )


# --- the queue of changed articles ------------------------------------------------

PENDING = "editions_search_pending"


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
        f"DELETE FROM {ENTRY} WHERE article_id = OLD.id; "
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
    for chunk in _chunks(list(article_ids)):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM {PENDING} WHERE article_id IN ({marks})", chunk)
