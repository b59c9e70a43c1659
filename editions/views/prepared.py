"""Readers' queries composed by the ORM once per process, then run with each request's values.

A page's headlines (with the EXISTS that says which continue onto it) or an
article with its neighbours and photos took the ORM 0.6 to 1.8 ms to compose
and compile per request, against 0.05 ms for the database to answer. So each
such query is built once, with stand-in numbers where the request's values go,
compiled to SQL, and then run with the real values in the stand-ins' places;
its rows become model instances as the ORM's own iterator makes them (the
selected fields, the backend's converters, the annotations as attributes). The
queryset stays the single statement of what is asked
(``tests/test_web_speed_prepared.py`` checks the answers against it); only its
composition is not repeated.

Stand-ins are numbers within every integer column's range (the ORM answers
"nothing" for a value a column cannot hold, without asking) and unlike any
constant of the queries here; they never reach the database. Compiling fails
loudly if a stand-in does not come out as a parameter of the SQL (a value the
ORM wrote into the SQL text, or transformed), so a query this cannot prepare is
found at its first use, in the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Model, QuerySet

_FIRST_STAND_IN = 32_101


#: The largest magnitude each integer parameter type holds (psycopg's Int2/Int4; a
#: 64-bit integer for the rest, SQLite's INTEGER included).
_LIMITS = {"Int2": 2**15, "Int4": 2**31, "Int8": 2**63}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # the compiled parameters, stand-ins included
    slots: tuple[tuple[int, str], ...]  # (position in params, name of the value)
    fields: tuple[str, ...]  # the model's attributes, in the order selected
    first: int  # where they start in a row
    annotations: tuple[tuple[str, int], ...]  # (attribute, position in a row)
    converters: tuple[tuple[int, tuple, object], ...]  # (position, converters, expression)


class PreparedQuery:
    """``build(**values)`` -> a queryset, composed once per database and run many times.

    ``names`` are the keyword arguments ``build`` takes; each must be an integer
    the queryset only ever compares with (an id, a number, a position). The
    queryset may defer fields and annotate, but not ``select_related``.
    """

    def __init__(self, model: type[Model], names: tuple[str, ...], build: Callable[..., QuerySet]):
        self.model = model
        self.names = names
        self.build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def stand_ins(self, first: int = _FIRST_STAND_IN) -> dict[str, int]:
        return {name: first + k for k, name in enumerate(self.names)}

    def _compose(self, alias: str, stand_ins: dict[str, int]):
        compiler = self.build(**stand_ins).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in stand_ins.items()}
        slots = tuple(
            (position, by_value[param])
            for position, param in enumerate(params)
            if isinstance(param, int) and not isinstance(param, bool) and param in by_value
        )
        return compiler, sql, tuple(params), slots

    def compile(self, alias: str) -> _Compiled:
        """The SQL with the stand-ins' positions, and how a row becomes an instance.

        Composed twice, with two different sets of stand-ins: the SQL text, the
        positions and every other parameter must agree, so each position found
        holds the value and nothing else does.
        """
        compiler, sql, params, slots = self._compose(alias, self.stand_ins())
        _, sql_again, params_again, slots_again = self._compose(
            alias, self.stand_ins(_FIRST_STAND_IN + 100)
        )
        others = [p for k, p in enumerate(params) if k not in dict(slots)]
        others_again = [p for k, p in enumerate(params_again) if k not in dict(slots_again)]
        if (sql, slots, others) != (sql_again, slots_again, others_again):
            raise ValueError(f"{self.model.__name__} query: its values are not all parameters")
        if {name for _, name in slots} != set(self.names):
            raise ValueError(f"{self.model.__name__} query: a value is not a parameter")
        info = compiler.klass_info
        if info["model"] is not self.model or info.get("related_klass_infos"):
            raise ValueError(f"{self.model.__name__} query: only its own model's rows")
        positions = info["select_fields"]
        fields = tuple(compiler.select[k][0].target.attname for k in positions)
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return _Compiled(
            sql,
            params,
            slots,
            fields,
            positions[0],
            tuple(compiler.annotation_col_map.items()),
            tuple((k, tuple(c), expression) for k, (c, expression) in converters.items()),
        )

    def rows(self, **values: int) -> list[Model]:
        """The queryset's rows for these values, as model instances with its annotations."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self.compile(alias)
                self._compiled[alias] = compiled
        params = list(compiled.params)
        for position, name in compiled.slots:
            value = int(values[name])
            kind = type(compiled.params[position])
            limit = _LIMITS.get(kind.__name__, 2**63)
            if not -limit <= value < limit:
                return []  # no column holds it (the ORM, too, answers no rows, not an error)
            # As the ORM passed it: PostgreSQL's driver gets Int2/Int4 where it chose them.
            params[position] = kind(value)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        first, last = compiled.first, compiled.first + len(compiled.fields)
        found = []
        for fetched_row in fetched:
            row = list(fetched_row)
            for position, converters, expression in compiled.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            instance = self.model.from_db(alias, compiled.fields, row[first:last])
            for name, position in compiled.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def forget(self) -> None:
        """Compose again at the next use (a test that changes the database's settings)."""
        with self._lock:
            self._compiled.clear()
