"""Bulk inserts for the importer: rows in, primary keys back, history rows beside them.

A year of archives is a hundred thousand rows with their history. Django's
``bulk_create`` passes every value of every row through its field's whole
preparation and, on PostgreSQL, sends a batch as arrays that psycopg quotes in
Python; for an import that is most of the time spent on the database. These
writes keep Django's own field conversions where a value needs one (JSON, dates,
a file's name) and pass plain strings and numbers as they are, then take each
backend's bulk path:

* SQLite: one multi-row ``INSERT … RETURNING`` per chunk (as ``bulk_create``
  does, with as many rows as the library allows), ``executemany`` for history;
* PostgreSQL: ``COPY``, the primary keys taken from the table's sequence first.

Rows written so are what ``bulk_create`` would write: the same columns, the
same values, no signals; the database's own triggers fire as for any insert.
The history rows are those of ``simple_history.utils.bulk_create_with_history``.
"""

from __future__ import annotations

import datetime
import functools
import json
import operator
import sqlite3
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field, JSONField, Model
from django.utils import timezone

#: Values a database driver takes as they are, without the field's conversion.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
#: Values converted once per batch: every row of it shares them.
_IMMUTABLE_TYPES = frozenset({datetime.datetime, datetime.date})
#: Rows per INSERT on SQLite when the library does not tell its limit.
_SQLITE_VARIABLES = 32766


def _converter(field: Field, connection) -> Callable[[object], object]:
    """``field``'s conversion of a value for the database, skipped for plain values.

    A batch's rows share their timestamps: a date is converted once, not per row.
    """
    prepare = _json_dumps(field, connection) or field.get_db_prep_save
    last: list = [None, None]  # the last date converted, and what it became

    def convert(raw):
        kind = type(raw)
        if kind in _PLAIN_TYPES:
            return raw
        if kind in _IMMUTABLE_TYPES:
            if raw is not last[0]:
                last[:] = raw, prepare(raw, connection)
            return last[1]
        return prepare(raw, connection)

    return convert


#: ``json.dumps``'s own arguments: an encoder made with them writes what it writes.
_DUMPS = {
    "skipkeys": False,
    "ensure_ascii": True,
    "check_circular": True,
    "allow_nan": True,
    "indent": None,
    "separators": None,
    "default": None,
    "sort_keys": False,
}


def _json_dumps(field: Field, connection) -> Callable[[object, object], object] | None:
    """A JSONField's conversion where the backend writes JSON as ``json.dumps`` text
    (SQLite): what ``get_db_prep_save`` gives, with one encoder for the whole insert
    instead of one made for each value. None where Django does something else."""
    if not (
        isinstance(field, JSONField)
        and type(field).get_db_prep_save is JSONField.get_db_prep_save
        and type(field).get_db_prep_value is JSONField.get_db_prep_value
        and type(field).get_prep_value is Field.get_prep_value
        and type(connection.ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value
    ):
        return None
    encode = (field.encoder or json.JSONEncoder)(**_DUMPS).encode
    prepare = field.get_db_prep_save

    def dumps(raw, connection):
        return encode(raw) if type(raw) in (dict, list) else prepare(raw, connection)

    return dumps


def _getter(field: Field, connection, source: Field | None = None) -> Callable[[Model], object]:
    """The value to write in ``field`` for an object, as ``bulk_create`` computes it
    (``pre_save`` fills ``auto_now`` dates). ``source`` is the object's own field when
    ``field`` is its history's (a file's name kept as text, a key as its id)."""
    convert = _converter(field, connection)
    attname = (source or field).attname
    if source is None and (
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ):
        now: list = []  # one moment for the whole insert, as one statement has

        def stamped(obj):
            if not now:
                now.append(field.pre_save(obj, True))
            else:
                setattr(obj, attname, now[0])
            return convert(now[0])

        return stamped
    if source is None and type(field).pre_save is not Field.pre_save:  # files
        pre_save = field.pre_save
        return lambda obj: convert(pre_save(obj, True))
    return lambda obj: convert(getattr(obj, attname))


#: Fields whose values are plain (text, numbers, keys) as Python holds them: read off an
#: object all at once, converted only if one is not (see :class:`_Rows`).
_PLAIN_FIELDS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


class _Rows:
    """The rows of ``fields`` for objects, as the getters (:func:`_getter`) make them.

    A call of a getter per value is most of the work for a wide row; the plain fields'
    values are read with one ``attrgetter`` and passed as they are when every one of
    them is plain (nearly always), the others go through their getters. ``columns`` is
    the order of the values in a row.
    """

    def __init__(self, fields, connection, sources=None) -> None:
        sources = sources or [None] * len(fields)
        plain, other = [], []
        for field, source in zip(fields, sources, strict=True):
            own = source is None
            special = own and (
                getattr(field, "auto_now", False)
                or getattr(field, "auto_now_add", False)
                or type(field).pre_save is not Field.pre_save
            )
            if field.get_internal_type() in _PLAIN_FIELDS and not special:
                plain.append((field, source or field))
            else:
                other.append((field, source))
        self.columns = [f.column for f, _ in plain] + [f.column for f, _ in other]
        names = [source.attname for _, source in plain]
        read = operator.attrgetter(*names) if names else (lambda obj: ())
        self._read = (lambda obj: (read(obj),)) if len(names) == 1 else read
        self._convert = [_converter(f, connection) for f, _ in plain]
        self._others = [_getter(f, connection, source) for f, source in other]

    def __call__(self, obj) -> list:
        values = self._read(obj)
        if not _PLAIN_TYPES.issuperset(map(type, values)):
            values = [convert(v) for convert, v in zip(self._convert, values, strict=True)]
        return [*values, *(get(obj) for get in self._others)]


def insert(model: type[Model], objs: Sequence[Model], *, keys: bool = True) -> None:
    """INSERT ``objs`` (new, without a primary key) and give each its primary key;
    without ``keys``, rows nobody reads back by key (an m2m's through rows)."""
    if not objs:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    make = _Rows([f for f in meta.concrete_fields if f is not pk], connection)
    rows = [make(obj) for obj in objs]
    columns = make.columns
    if not keys and connection.vendor in ("postgresql", "sqlite"):
        _insert_many(connection, meta.db_table, columns, rows)
        return
    if connection.vendor == "postgresql":
        ids = _next_ids(connection, meta.db_table, pk.column, len(rows))
        _copy(
            connection,
            meta.db_table,
            [pk.column, *columns],
            ([pk_value, *row] for pk_value, row in zip(ids, rows, strict=True)),
        )
    elif connection.vendor == "sqlite":
        ids = _insert_returning(connection, meta.db_table, columns, pk.column, rows)
    else:  # no fast path: Django's own
        model._base_manager.using(using).bulk_create(objs)
        return
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = using


def insert_missing(model: type[Model], objs: Sequence[Model], unique: Sequence[str]) -> list[Model]:
    """INSERT ``objs`` in one statement, skipping each whose ``unique`` fields a row
    already has (another writer's, committed meanwhile: PostgreSQL waits for it); the
    objects inserted, with their primary keys. SQLite and PostgreSQL only."""
    if not objs:
        return []
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    keys = [meta.get_field(name) for name in unique]
    make = _Rows(fields, connection)
    values = [make(obj) for obj in objs]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = _columns(connection, make.columns)
    sql = (
        f"INSERT INTO {_quote(connection, meta.db_table)} ({columns}) "
        f"VALUES {', '.join([one] * len(objs))} "
        f"ON CONFLICT ({_columns(connection, [f.column for f in keys])}) DO NOTHING "
        f"RETURNING {_columns(connection, [pk.column, *(f.column for f in keys)])}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in values for value in row])
        # Told apart by their unique values, read back as Python has them (a driver
        # may return a date as text, or as a date).
        returned = {
            tuple(f.to_python(v) for f, v in zip(keys, row[1:], strict=True)): row[0]
            for row in cursor.fetchall()
        }
    inserted = []
    for obj in objs:
        pk_value = returned.get(tuple(f.to_python(getattr(obj, f.attname)) for f in keys))
        if pk_value is not None:
            obj.pk = pk_value
            obj._state.adding = False
            obj._state.db = using
            inserted.append(obj)
    return inserted


def insert_history(
    model: type[Model],
    objs: Sequence[Model],
    *,
    history_type: str = "+",
    user=None,
    reason: str = "",
    date=None,
    stored: bool = False,
) -> None:
    """The history rows of ``objs`` (saved), as simple_history's bulk helpers make them.

    With ``stored`` (the objects are as their rows are: just inserted), the database
    copies the rows itself (``INSERT … SELECT``): a body is neither converted, bound
    nor sent a second time.
    """
    if not objs:
        return
    history = _history_model(model)
    using = router.db_for_write(history)
    connection = connections[using]
    tracked = {field.attname for field in history.tracked_fields}
    fixed = {
        "history_date": date or timezone.now(),
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
        "history_type": history_type,
    }
    fields = [f for f in history._meta.concrete_fields if f.attname in tracked]
    extra = [f for f in history._meta.concrete_fields if f.attname in fixed]
    assert len(fields) + len(extra) + 1 == len(history._meta.concrete_fields)
    constants = [_converter(f, connection)(fixed[f.attname]) for f in extra]
    if stored and connection.vendor in ("postgresql", "sqlite"):
        _copy_rows(connection, model, history, fields, extra, constants, [o.pk for o in objs])
        return
    make = _Rows(fields, connection, [model._meta.get_field(f.name) for f in fields])
    rows = [[*make(obj), *constants] for obj in objs]
    columns = [*make.columns, *(f.column for f in extra)]
    _insert_many(connection, history._meta.db_table, columns, rows)


def _copy_rows(connection, model, history, fields, extra, constants, ids) -> None:
    """History rows made by the database from the model's rows ``ids``, in key order."""
    meta = model._meta
    source = ", ".join(_quote(connection, meta.get_field(f.name).column) for f in fields)
    # PostgreSQL types a parameter from its use: in a select list, a NULL is text.
    marks = [
        f"CAST(%s AS {f.db_type(connection)})" if connection.vendor == "postgresql" else "%s"
        for f in extra
    ]
    columns = _columns(connection, [f.column for f in (*fields, *extra)])
    pk = _quote(connection, meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _SQLITE_VARIABLES // 2):
            chunk = ids[start : start + _SQLITE_VARIABLES // 2]
            cursor.execute(
                f"INSERT INTO {_quote(connection, history._meta.db_table)} ({columns}) "
                f"SELECT {source}, {', '.join(marks)} FROM {_quote(connection, meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk}",
                [*constants, *chunk],
            )


@functools.cache
def _history_model(model: type[Model]) -> type[Model]:
    return model.history.model  # the descriptor makes a manager class at every access


# The backends' bulk paths ------------------------------------------------------------


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(connection, columns: Sequence[str]) -> str:
    return ", ".join(_quote(connection, c) for c in columns)


def _insert_returning(connection, table: str, columns, pk_column: str, rows) -> list[int]:
    """SQLite: multi-row INSERTs returning the new keys, in the rows' order."""
    raw = connection.connection
    try:
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):
        limit = _SQLITE_VARIABLES
    per_statement = max(1, min(limit, _SQLITE_VARIABLES) // max(1, len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {_quote(connection, table)} ({_columns(connection, columns)}) VALUES "
    tail = f" RETURNING {_quote(connection, pk_column)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _insert_many(connection, table: str, columns, rows) -> None:
    """Rows whose keys nobody needs: COPY on PostgreSQL, one prepared INSERT on SQLite."""
    if connection.vendor == "postgresql":
        _copy(connection, table, columns, rows)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_quote(connection, table)} ({_columns(connection, columns)}) "
            f"VALUES ({placeholders})",
            rows,
        )


def _next_ids(connection, table: str, pk_column: str, count: int) -> list[int]:
    """PostgreSQL: ``count`` new keys from the table's sequence, ascending."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(connection, table: str, columns, rows) -> None:
    """PostgreSQL: the rows through COPY, the fastest way in."""
    sql = f"COPY {_quote(connection, table)} ({_columns(connection, columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
