"""PostgreSQL: GIN indexes over arrays of our tokens, read in key order.

``editions_search_entry`` keeps each article's tokens as text (``head``: kicker,
title and subtitle; ``body``: byline and body; both padded with spaces), and two
expression indexes cut them at C speed, so no ``tsvector`` is stored twice:

* ``string_to_array(head || body, ' ')``: the tokens (bigrams and run ends). A
  word of two characters is one element; a longer word is all of its bigrams,
  then checked as consecutive tokens with ``LIKE '% 国家 家主 %'`` on the row.
* ``string_to_array(head || body, NULL)``: the characters, for one-character words.

A ``tsvector`` with positions would answer phrases too, but it caps positions at
16,383 and keeps at most 256 per word: long or repetitive articles would be missed,
and it would store the tokens once more. Arrays and a ``LIKE`` recheck have neither
limit: a match is exactly a substring match of the folded text.

The planner picks the plan by how common the words are (ANALYZE keeps the most
common elements of both indexes): a rare word reads its few rows from GIN and
sorts them; a common one walks the key index backwards and stops after one page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from ..documents import Document
from ..query import Query, Term, Tokens

ENTRY = "editions_search_entry"
TOKENS = "string_to_array(e.head || e.body, ' ')"
CHARS = "string_to_array(e.head || e.body, NULL)"
TEXT = "(e.head || e.body)"
NEAR_DISTANCE = 12
NEEDS_CHARS = False  # the characters index cuts them from the tokens
COLUMNS = ("key", "article_id", "edition_id", "digest", "indexed_at", "head", "body")


def create_schema(cursor, suffix: str = "", *, indexes: bool = True) -> None:
    cursor.execute(
        f"CREATE TABLE {ENTRY}{suffix} ("
        " key bigint PRIMARY KEY,"
        " article_id integer NOT NULL UNIQUE,"
        " edition_id integer NOT NULL,"
        " digest bigint NOT NULL,"
        " indexed_at double precision NOT NULL,"
        " head text NOT NULL,"
        " body text NOT NULL)"
    )
    try:  # lz4 reads back several times faster than pglz, where the server has it
        cursor.execute("SAVEPOINT search_lz4")
        cursor.execute(f"ALTER TABLE {ENTRY}{suffix} ALTER COLUMN body SET COMPRESSION lz4")
        cursor.execute("RELEASE SAVEPOINT search_lz4")
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT search_lz4")
    if indexes:
        create_indexes(cursor, suffix)


def create_indexes(cursor, suffix: str = "") -> None:
    table = f"{ENTRY}{suffix}"
    cursor.execute(
        f"CREATE INDEX {table}_tokens ON {table} USING gin ((string_to_array(head || body, ' ')))"
    )
    cursor.execute(
        f"CREATE INDEX {table}_chars ON {table} USING gin ((string_to_array(head || body, NULL)))"
    )
    cursor.execute(f"CREATE INDEX {table}_edition ON {table} (edition_id)")
    cursor.execute(f"CREATE INDEX {table}_indexed ON {table} (indexed_at)")


def drop_schema(cursor, suffix: str = "") -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {ENTRY}{suffix}")


def table_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


def swap_in(cursor, suffix: str) -> None:
    """Replace the live index by the one built under ``suffix`` (inside a transaction)."""
    drop_schema(cursor)
    cursor.execute(f"ALTER TABLE {ENTRY}{suffix} RENAME TO {ENTRY}")
    for name in ("pkey", "article_id_key", "tokens", "chars", "edition", "indexed"):
        cursor.execute(f"ALTER INDEX IF EXISTS {ENTRY}{suffix}_{name} RENAME TO {ENTRY}_{name}")


def _row(doc: Document, now: float) -> tuple:
    key = doc.day_key | doc.article_id
    return (key, doc.article_id, doc.edition_id, doc.digest, now, f" {doc.head} ", f" {doc.body} ")


def write(cursor, docs: Sequence[Document], suffix: str = "", *, fresh: bool = False) -> int:
    """Add or replace the documents (unchanged ones are not rewritten)."""
    if not docs:
        return 0
    now = time.time()
    table = f"{ENTRY}{suffix}"
    if fresh:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for doc in docs:
                copy.write_row(_row(doc, now))
        return len(docs)
    cursor.executemany(
        f"INSERT INTO {table} AS t ({', '.join(COLUMNS)}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
        "key = excluded.key, edition_id = excluded.edition_id, digest = excluded.digest, "
        "indexed_at = excluded.indexed_at, head = excluded.head, body = excluded.body "
        "WHERE (t.key, t.edition_id, t.digest) "
        "IS DISTINCT FROM (excluded.key, excluded.edition_id, excluded.digest)",
        [_row(doc, now) for doc in docs],
    )
    return len(docs)


def remove(cursor, article_ids: Sequence[int], suffix: str = "") -> None:
    cursor.execute(f"DELETE FROM {ENTRY}{suffix} WHERE article_id = ANY(%s)", [list(article_ids)])


def size_bytes(cursor) -> int:
    cursor.execute("SELECT pg_total_relation_size(%s)", [ENTRY])
    return cursor.fetchone()[0]


# --- reading -------------------------------------------------------------------

#: A condition on the entry row ``e``: SQL with its parameters.
Condition = tuple[str, list]


def _like(seq: Tokens) -> str:
    return "% " + " ".join(seq.tokens) + ("%" if seq.prefix else " %")


def _indexed(seq: Tokens) -> Condition:
    """The sequence, in a form the GIN indexes serve, rechecked where they can't be exact."""
    if seq.is_char:
        return f"{CHARS} @> %s::text[]", [list(seq.tokens)]
    whole = list(seq.tokens[:-1] if seq.prefix else seq.tokens)
    parts, params = [f"{TOKENS} @> %s::text[]"], [whole]
    if seq.prefix:
        parts.append(f"{CHARS} @> %s::text[]")
        params.append([seq.tokens[-1]])
    if len(seq.tokens) > 1:
        parts.append(f"{TEXT} LIKE %s")
        params.append(_like(seq))
    return " AND ".join(parts), params


def _check(seq: Tokens, column: str = TEXT) -> Condition:
    """The sequence checked on the row alone (cheap per row, no index)."""
    if seq.is_char:
        return f"strpos({column}, %s) > 0", [seq.tokens[0]]
    return f"{column} LIKE %s", [_like(seq)]


def _any(term: Term, make) -> Condition:
    parts = [make(alt) for alt in term.alternatives]
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [
        p for _, params in parts for p in params
    ]


def _and(conditions: list[Condition]) -> Condition:
    return " AND ".join(f"({sql})" for sql, _ in conditions), [
        p for _, params in conditions for p in params
    ]


def _without(query: Query) -> list[Condition]:
    out = []
    for term in query.excluded:
        sql, params = _any(term, _check)
        out.append((f"NOT {sql}", params))
    return out


def match_condition(query: Query) -> Condition:
    return _and([_any(t, _indexed) for t in query.terms] + _without(query))


def _head(query: Query) -> Condition:
    return _and([_any(t, lambda seq: _check(seq, "e.head")) for t in query.terms])


def _pattern(seq: Tokens) -> str:
    text = " " + " ".join(re.escape(token) for token in seq.tokens)
    return text + ("[^ ]?" if seq.prefix else "")


def _near(query: Query) -> Condition | None:
    """Two words within a few tokens of each other, either way round; for more words,
    all of them in a row as typed."""
    if len(query.terms) < 2 or any(t.alternatives[0].is_char for t in query.terms):
        return None
    if len(query.terms) > 2:
        return _check(query.phrase)
    first, second = (_pattern(t.alternatives[0]) for t in query.terms)
    gap = f"( [^ ]+){{0,{NEAR_DISTANCE}}}"
    return f"{TEXT} ~ %s", [f"{first}{gap}{second} |{second}{gap}{first} "]


def tier_conditions(query: Query) -> list[tuple[int, Condition]]:
    """(tier, condition) from the best down, each matching only its own articles
    (the same tiers as the SQLite backend)."""
    base = match_condition(query)
    head, near = _head(query), _near(query)
    negated_head = (f"NOT ({head[0]})", head[1])
    tiers = [(2, _and([base, head]))]
    if near:
        tiers.append((1, _and([base, near, negated_head])))
        tiers.append((0, _and([base, negated_head, (f"NOT ({near[0]})", near[1])])))
    else:
        tiers.append((0, _and([base, negated_head])))
    return tiers


def ids_sql(query: Query) -> tuple[str, list]:
    sql, params = match_condition(query)
    return f"SELECT e.article_id FROM {ENTRY} e WHERE {sql}", params


def scan_sql(
    condition: Condition,
    exists: tuple[str, list],
    low: int,
    high: int,
    *,
    descending: bool,
    limit: int,
    columns: str = "e.key, e.article_id",
) -> tuple[str, list]:
    sql, params = condition
    exists_sql, exists_params = exists
    order = "DESC" if descending else "ASC"
    # OFFSET 0 keeps EXISTS a check per candidate: the planner would otherwise turn it
    # into a join that first walks every article of the filters' editions.
    return (
        f"SELECT {columns} FROM {ENTRY} e WHERE {sql} AND e.key >= %s AND e.key < %s "
        f"AND EXISTS ({exists_sql} OFFSET 0) ORDER BY e.key {order} LIMIT {int(limit)}",
        [*params, low, high, *exists_params],
    )


def rank_sql(query: Query, article_column: str, *, tiers: bool) -> tuple[str, list]:
    if not tiers:
        return f"(SELECT e.key FROM {ENTRY} e WHERE e.article_id = {article_column})", []
    head, near = _head(query), _near(query)
    cases, params = [f"WHEN {head[0]} THEN 2"], list(head[1])
    if near:
        cases.append(f"WHEN {near[0]} THEN 1")
        params.extend(near[1])
    return (
        f"(SELECT (CASE {' '.join(cases)} ELSE 0 END) * {1 << 56} + e.key "
        f"FROM {ENTRY} e WHERE e.article_id = {article_column})",
        params,
    )


# --- the queue of changed articles ------------------------------------------------

PENDING = "editions_search_pending"


def create_triggers(cursor) -> None:
    """The queue, and the triggers that fill it (see :func:`install_triggers`)."""
    cursor.execute(f"CREATE TABLE {PENDING} (article_id integer PRIMARY KEY)")
    install_triggers(cursor)


def install_triggers(cursor) -> None:
    """Every write to an article's text, by the ORM, in bulk or by hand, queues it; a
    deleted article leaves the index at once. Idempotent (run after every ``migrate``,
    as on SQLite)."""
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {PENDING}_article() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN IF TG_OP = 'DELETE' THEN "
        f"DELETE FROM {ENTRY} WHERE article_id = OLD.id; "
        f"DELETE FROM {PENDING} WHERE article_id = OLD.id; RETURN OLD; END IF; "
        f"INSERT INTO {PENDING} (article_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; "
        "RETURN NEW; END $$"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {PENDING}_article ON editions_article")
    cursor.execute(
        f"CREATE TRIGGER {PENDING}_article AFTER INSERT OR DELETE OR UPDATE OF kicker, title, "
        "subtitle, byline, body, page_id ON editions_article "
        f"FOR EACH ROW EXECUTE FUNCTION {PENDING}_article()"
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
