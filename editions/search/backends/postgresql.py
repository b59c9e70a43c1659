"""PostgreSQL: one GIN index over our tokens, read in key order.

``editions_search_entry`` keeps each article's tokens as text (``head``: kicker,
title and subtitle; ``body``: byline and body; both padded with spaces), and one
expression index cuts them at C speed into a ``tsvector`` without positions
(``array_to_tsvector``), so no ``tsvector`` is stored twice:

* a word of two characters is one lexeme (国家); a longer word is all of its
  bigrams, then checked as consecutive tokens with ``strpos(' 国家 家主 ')`` on
  the row;
* a one-character word is a prefix lookup (``'国':*``: every bigram starting with
  it and the run ends), which GIN answers from its sorted keys: no second index of
  characters (it cost a third of the build and 0.3x the text).

All the words of a query are one ``tsquery`` on that one index, so GIN intersects
them itself. Positions are not kept: a ``tsvector``'s cap them at 16,383 and keeps
at most 256 per word, and long or repetitive articles would be missed; the
``strpos`` recheck has no limit: a match is exactly a substring match of the
folded text.

Which plan runs is chosen here from how common the words are (ANALYZE keeps the
most common lexemes of the index): a rare word reads its few rows from GIN and
sorts them; a common one walks the key index backwards and stops after one page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from ..documents import Document
from ..query import Query, Tokens

ENTRY = "editions_search_entry"
#: The index's expression, and as the queries spell it on the row ``e``.
EXPRESSION = "array_to_tsvector(array_remove(string_to_array(head || body, ' '), ''))"
TOKENS = "array_to_tsvector(array_remove(string_to_array(e.head || e.body, ' '), ''))"
TEXT = "(e.head || e.body)"
NEAR_DISTANCE = 12
NEEDS_CHARS = False  # one-character words are prefix lookups of the tokens
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
    # No parallel scans of the index table: the planner costs the GIN expressions like
    # any cheap function, so for a word of middling frequency it would rather cut
    # every row's token string in a parallel sequential scan, a hundred times slower
    # than the bitmap (both plans chosen here are index plans).
    cursor.execute(f"ALTER TABLE {ENTRY}{suffix} SET (parallel_workers = 0)")
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
    cursor.execute(f"CREATE INDEX {table}_tokens ON {table} USING gin (({EXPRESSION}))")
    cursor.execute(f"ALTER INDEX {table}_tokens ALTER COLUMN 1 SET STATISTICS {STATISTICS}")
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
    for name in ("pkey", "article_id_key", "tokens", "edition", "indexed"):
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
#
# Two plans, chosen here rather than by the planner, because the planner can only
# test a row against the GIN expression by cutting the whole token string again
# (about 150 us a row), which makes its key-ordered plan slow for all but the
# commonest words:
#
# * *walk*: the key index backwards, each row tested with ``strpos`` on the stored
#   token strings (a few us), stopped after one page. Cheap when the words are
#   common: about ``limit / frequency`` rows are read.
# * *bitmap*: GIN gives the candidates, they are sorted by key, and only then are the
#   exact tests (phrases, exclusions, tiers, the queryset's filters) run, on as
#   few of the newest candidates as fill the page. Cheap when the words are rare:
#   every candidate's heap row is read once, none of its text unless needed.
#
# The choice uses the frequencies ANALYZE keeps for the GIN expressions (their
# statistics target is raised so that tokens down to about 1% are known).


class Condition:
    """A condition on the entry row ``e``: the GIN lookup of its candidates
    (``index``, SQL with parameters) and, per required term, the keys of each of its
    spellings (``spellings``); the exact test on the row (``check``); and per required
    term the keys whose frequencies estimate how many rows match (``lookups``)."""

    def __init__(self, index, spellings, check, lookups):
        self.index = index
        self.spellings = spellings
        self.check = check
        self.lookups = lookups


def _sql_and(parts: list[tuple[str, list]]) -> tuple[str, list]:
    if not parts:
        return "TRUE", []
    return " AND ".join(f"({sql})" for sql, _ in parts), [p for _, ps in parts for p in ps]


def _sql_or(parts: list[tuple[str, list]]) -> tuple[str, list]:
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [
        p for _, ps in parts for p in ps
    ]


def _needle(seq: Tokens) -> str:
    """The sequence as it stands in a padded token string: consecutive tokens, the
    last one a prefix when ``seq.prefix``."""
    return " " + " ".join(seq.tokens) + ("" if seq.prefix else " ")


def _check(seq: Tokens, columns: tuple[str, ...] = ("e.head", "e.body")) -> tuple[str, list]:
    """The sequence tested on the row: head and body apart (a sequence never spans
    them), so neither is copied into a concatenation."""
    needle = seq.tokens[0] if seq.is_char else _needle(seq)
    return _sql_or([(f"strpos({column}, %s) > 0", [needle]) for column in columns])


def _keys(seq: Tokens) -> tuple[tuple[str, str], ...]:
    """What GIN looks up for the sequence (a superset of its rows): its tokens, the
    trailing one-character prefix (a one-character word is only that) as ``chars``."""
    whole = seq.tokens[:-1] if seq.prefix else seq.tokens
    keys = tuple(("tokens", token) for token in whole)
    return keys + ((("chars", seq.tokens[-1]),) if seq.prefix else ())


def _lexeme(key: tuple[str, str]) -> str:
    kind, token = key
    quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if kind == "chars" else "")


def _tsquery(spellings_of_terms: list[list[tuple]]) -> str:
    """Every term (any of its spellings, each all of its keys) as one ``tsquery``."""
    return " & ".join(
        "(" + " | ".join("(" + " & ".join(map(_lexeme, keys)) + ")" for keys in spellings) + ")"
        for spellings in spellings_of_terms
    )


def match_condition(query: Query) -> Condition:
    check_parts, lookups, spellings = [], [], []
    for term in query.terms:
        check_parts.append(_sql_or([_check(alt) for alt in term.alternatives]))
        spellings.append([_keys(alt) for alt in term.alternatives])
        # A term with alternatives is at least as common as its commonest one.
        lookups.append(max(spellings[-1], key=len))
    for term in query.excluded:
        sql, params = _sql_or([_check(alt) for alt in term.alternatives])
        check_parts.append((f"NOT {sql}", params))
    index = (f"{TOKENS} @@ %s::tsquery", [_tsquery(spellings)])
    return Condition(index, spellings, _sql_and(check_parts), lookups)


def _head(query: Query) -> tuple[str, list]:
    return _sql_and(
        [_sql_or([_check(a, ("e.head",)) for a in t.alternatives]) for t in query.terms]
    )


def _pattern(seq: Tokens) -> str:
    text = " " + " ".join(re.escape(token) for token in seq.tokens)
    return text + ("[^ ]?" if seq.prefix else "")


def _near(query: Query) -> tuple[str, list] | None:
    """Two words within a few tokens of each other, either way round; for more words,
    all of them in a row as typed."""
    if len(query.terms) < 2 or any(t.alternatives[0].is_char for t in query.terms):
        return None
    if len(query.terms) > 2:
        return _check(query.phrase)
    first, second = (_pattern(t.alternatives[0]) for t in query.terms)
    gap = f"( [^ ]+){{0,{NEAR_DISTANCE}}}"
    return f"{TEXT} ~ %s", [f"{first}{gap}{second} |{second}{gap}{first} "]


def _then(first: tuple[str, list], then: tuple[str, list]) -> tuple[str, list]:
    """``first AND then``, with ``then`` tested only where ``first`` holds. The planner
    orders the terms of an AND by its own cost estimates, which rate the regular
    expression of "near" (over the whole token string) and a test of the body no
    dearer than a test of the short head; CASE keeps the cheap, selective test first."""
    return f"CASE WHEN {first[0]} THEN {then[0]} ELSE FALSE END", [*first[1], *then[1]]


def tier_conditions(query: Query) -> list[tuple[int, Condition]]:
    """(tier, condition) from the best down, each matching only its own articles
    (the same tiers as the SQLite backend)."""
    base = match_condition(query)
    head, near = _head(query), _near(query)
    negated_head = (f"NOT ({head[0]})", head[1])
    rest = _then(negated_head, base.check)
    if near:
        checks = [
            (2, _then(head, base.check)),
            (1, _then(rest, near)),
            (0, _then(rest, (f"NOT ({near[0]})", near[1]))),
        ]
    else:
        checks = [(2, _then(head, base.check)), (0, rest)]
    return [
        (tier, Condition(base.index, base.spellings, check, base.lookups)) for tier, check in checks
    ]


def ids_sql(query: Query) -> tuple[str, list]:
    condition = match_condition(query)
    sql, params = _sql_and([condition.index, condition.check])
    return f"SELECT e.article_id FROM {ENTRY} e WHERE {sql}", params


#: Statistics target of the GIN expressions: ANALYZE then knows the 10,000 commonest
#: tokens (down to about 1% of the articles), which is what the plan choice needs.
STATISTICS = 1000
#: Frequencies cached per database alias for this long (seconds).
STATS_SECONDS = 300.0
#: Rough costs (us) of reading one row by walking and one candidate from a bitmap.
WALK_COST = 15.0
BITMAP_COST = 2.5
#: Force a plan ("walk" or "bitmap"), for tests; None: choose.
PLAN: str | None = None

_stats: dict[str, tuple[float, dict[tuple[str, str], float], dict[str, float], float]] = {}


def _frequencies(using: str):
    """(token frequencies by (kind, token), the floor below them by kind, rows).

    A character's frequency is that of the lexemes starting with it, summed (an
    overestimate where they share rows, and rows are what the walk needs)."""
    from django.db import connections

    cached = _stats.get(using)
    if cached and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1:]
    known: dict[tuple[str, str], float] = {}
    floors: dict[str, float] = {}
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [ENTRY])
        row = cursor.fetchone()
        rows = max(float(row[0]) if row else 0.0, 0.0)
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs "
            "FROM pg_stats WHERE tablename = %s",
            [f"{ENTRY}_tokens"],
        )
        found = cursor.fetchone()
    if found and found[0]:
        elems, freqs = found
        chars: dict[str, float] = {}
        for lexeme, freq in zip(elems, freqs, strict=False):
            known[("tokens", lexeme)] = freq
            chars[lexeme[:1]] = chars.get(lexeme[:1], 0.0) + freq
        known.update((("chars", char), min(freq, 1.0)) for char, freq in chars.items())
        # After the lexemes' frequencies come their least and greatest.
        floors["tokens"] = floors["chars"] = freqs[len(elems)]
    _stats[using] = (time.monotonic(), known, floors, rows)
    return known, floors, rows


def _plan(condition: Condition, limit: int, using: str | None) -> str:
    if PLAN:
        return PLAN
    if using is None:
        return "bitmap"
    known, floors, rows = _frequencies(using)
    if not rows or not floors:
        return "bitmap"  # never analysed: small, or fresh

    def frequency(keys) -> float:
        # Rows with all the keys are at most those of the rarest; unknown keys are
        # rarer than every token ANALYZE kept.
        return min(known.get(key, floors.get(key[0], 0.0) / 2) for key in keys)

    # GIN's candidates: at most those of the rarest term (all of its spellings').
    candidates = min(
        sum(frequency(keys) for keys in spellings) for spellings in condition.spellings
    )
    matches = 1.0
    for keys in condition.lookups:
        matches *= frequency(keys)
    if matches <= 0:
        return "bitmap"
    walk = limit / matches * WALK_COST
    bitmap = min(candidates, 1.0) * rows * BITMAP_COST
    return "walk" if walk < bitmap else "bitmap"


def scan_sql(
    condition: Condition,
    exists: tuple[str, list],
    low: int,
    high: int,
    *,
    descending: bool,
    limit: int,
    columns: str = "e.key, e.article_id",
    using: str | None = None,
) -> tuple[str, list]:
    exists_sql, exists_params = exists
    order = "DESC" if descending else "ASC"
    check_sql, check_params = condition.check
    # OFFSET 0 keeps EXISTS a check per candidate: the planner would otherwise turn it
    # into a join that first walks every article of the filters' editions.
    if _plan(condition, limit, using) == "walk":
        return (
            f"SELECT {columns} FROM {ENTRY} e WHERE e.key >= %s AND e.key < %s "
            f"AND {check_sql} AND EXISTS ({exists_sql} OFFSET 0) "
            f"ORDER BY e.key {order} LIMIT {int(limit)}",
            [low, high, *check_params, *exists_params],
        )
    index_sql, index_params = condition.index
    # ``key + 0``: the dates filter and the order apply after the bitmap, never by the
    # key index with the GIN test per row;
    # the outer query reads the sorted candidates in that order (no second sort) and
    # runs the exact tests only until the page is full.
    return (
        f"SELECT {columns} FROM (SELECT e.key + 0 AS key, e.article_id, e.head, e.body "
        f"FROM {ENTRY} e WHERE {index_sql} AND e.key + 0 >= %s AND e.key + 0 < %s "
        f"ORDER BY e.key + 0 {order} OFFSET 0) e "
        f"WHERE {check_sql} AND EXISTS ({exists_sql} OFFSET 0) "
        f"ORDER BY e.key {order} LIMIT {int(limit)}",
        [*index_params, low, high, *check_params, *exists_params],
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
        f"DELETE FROM {PENDING} WHERE article_id = OLD.id; "
        f"DELETE FROM {ENTRY} WHERE article_id = OLD.id; RETURN OLD; END IF; "
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
