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
from ..query import Query, Tokens

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
    cursor.execute(
        f"CREATE INDEX {table}_tokens ON {table} USING gin ((string_to_array(head || body, ' ')))"
    )
    cursor.execute(
        f"CREATE INDEX {table}_chars ON {table} USING gin ((string_to_array(head || body, NULL)))"
    )
    for name in ("tokens", "chars"):
        cursor.execute(f"ALTER INDEX {table}_{name} ALTER COLUMN 1 SET STATISTICS {STATISTICS}")
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
    """A condition on the entry row ``e``: the exact test on the row (``check``, SQL
    with parameters); the GIN lookups that can give its candidates (``options``: each
    ``((sql, params), keys)``, one condition on one index, ``keys`` the (kind, token)
    pairs it needs, all of them); and per required term the tokens whose frequencies
    estimate how many rows match (``lookups``)."""

    def __init__(self, options, check, lookups):
        self.options = options
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


_EXPRESSIONS = {"tokens": TOKENS, "chars": CHARS}


def _keys(seq: Tokens) -> tuple[tuple[str, str], ...]:
    """What GIN looks up for the sequence (a superset of its rows): its character, or
    its whole tokens (a trailing one-character prefix is left to the exact test)."""
    if seq.is_char:
        return (("chars", seq.tokens[0]),)
    return tuple(("tokens", t) for t in (seq.tokens[:-1] if seq.prefix else seq.tokens))


def _contains(keys: tuple[tuple[str, str], ...]) -> tuple[str, list]:
    """One ``@>`` of all the keys, which are of one kind: GIN intersects them itself."""
    kind = keys[0][0]
    return f"{_EXPRESSIONS[kind]} @> %s::text[]", [list(dict.fromkeys(t for _, t in keys))]


def _options(terms: list) -> list:
    """The ways GIN can give a superset of the rows matching every term: all the
    single-spelling terms' tokens in one lookup, or their characters in one, or one
    term with several spellings (one lookup each, ORed). Never two indexes at once:
    the planner would test the second expression per row, cutting its token string."""
    by_kind: dict[str, list] = {"tokens": [], "chars": []}
    options = []
    for term in terms:
        if len(term.alternatives) == 1:
            keys = _keys(term.alternatives[0])
            by_kind[keys[0][0]].extend(keys)
        else:
            alternatives = [_keys(alt) for alt in term.alternatives]
            options.append((_sql_or([_contains(k) for k in alternatives]), alternatives))
    merged = [(_contains(tuple(keys)), [tuple(keys)]) for keys in by_kind.values() if keys]
    return merged + options


def match_condition(query: Query) -> Condition:
    check_parts, lookups = [], []
    for term in query.terms:
        check_parts.append(_sql_or([_check(alt) for alt in term.alternatives]))
        # A term with alternatives is at least as common as its commonest one.
        lookups.append(max((_keys(alt) for alt in term.alternatives), key=len))
    for term in query.excluded:
        sql, params = _sql_or([_check(alt) for alt in term.alternatives])
        check_parts.append((f"NOT {sql}", params))
    return Condition(_options(query.terms), _sql_and(check_parts), lookups)


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
    return [(tier, Condition(base.options, check, base.lookups)) for tier, check in checks]


def ids_sql(query: Query) -> tuple[str, list]:
    condition = match_condition(query)
    sql, params = _sql_and([condition.options[0][0], condition.check])
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
    """(token frequencies by (kind, token), the floor below them by kind, rows)."""
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
        for kind in ("tokens", "chars"):
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = %s",
                [f"{ENTRY}_{kind}"],
            )
            found = cursor.fetchone()
            if found and found[0]:
                elems, freqs = found
                known.update(((kind, e), f) for e, f in zip(elems, freqs, strict=False))
                floors[kind] = freqs[len(elems)]  # the least frequency kept
    _stats[using] = (time.monotonic(), known, floors, rows)
    return known, floors, rows


def _plan(condition: Condition, limit: int, using: str | None) -> tuple[str, tuple[str, list]]:
    """("walk" or "bitmap", the GIN lookup the bitmap would use)."""
    first = condition.options[0][0]
    if using is None:
        return PLAN or "bitmap", first
    known, floors, rows = _frequencies(using)
    if not rows or not floors:
        return PLAN or "bitmap", first  # never analysed: small, or fresh

    def frequency(keys) -> float:
        # Rows with all the keys are at most those of the rarest; unknown keys are
        # rarer than every token ANALYZE kept.
        return min(known.get(key, floors.get(key[0], 0.0) / 2) for key in keys)

    # The lookup with the fewest candidates (an ORed one has those of each spelling).
    candidates, lookup = min(
        (sum(frequency(keys) for keys in spellings), sql) for sql, spellings in condition.options
    )
    if PLAN:
        return PLAN, lookup
    matches = 1.0
    for keys in condition.lookups:
        matches *= frequency(keys)
    if matches <= 0:
        return "bitmap", lookup
    walk = limit / matches * WALK_COST
    bitmap = candidates * rows * BITMAP_COST
    return ("walk" if walk < bitmap else "bitmap"), lookup


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
    plan, (index_sql, index_params) = _plan(condition, limit, using)
    if plan == "walk":
        return (
            f"SELECT {columns} FROM {ENTRY} e WHERE e.key >= %s AND e.key < %s "
            f"AND {check_sql} AND EXISTS ({exists_sql} OFFSET 0) "
            f"ORDER BY e.key {order} LIMIT {int(limit)}",
            [low, high, *check_params, *exists_params],
        )
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


def ids_in(column: str, ids: str) -> str:
    """``column`` is one of the ids that the query ``ids`` returns: as an array, so the
    page's few ids drive the query (looked up by primary key) whatever its other filters;
    as ``IN (subquery)`` the planner would rather join every article of a date range
    to the ids (a dated search took 70 ms instead of 5 at 20,000 articles)."""
    return f"{column} = ANY(ARRAY({ids}))"


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
