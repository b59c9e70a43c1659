"""Readers' queries composed by the ORM once per process, then run with each request's values.

A page's headlines (with the EXISTS that says which continue onto it) or an
article with its neighbours and photos took the ORM 0.6 to 1.8 ms to compose
and compile per request, against 0.05 ms for the database to answer. So each
such query is built once, with stand-in numbers where the request's values go,
compiled to SQL, and then run as a raw query with the real values in the
stand-ins' places. The queryset stays the single statement of what is asked
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

from django.db import router
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet

_FIRST_STAND_IN = 32_101


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # the compiled parameters, stand-ins included
    slots: tuple[tuple[int, str], ...]  # (position in params, name of the value)


class PreparedQuery:
    """``build(**values)`` -> a queryset, composed once per database and run many times.

    ``names`` are the keyword arguments ``build`` takes; each must be an integer
    the queryset only ever compares with (an id, a number, a position).
    """

    def __init__(self, model: type[Model], names: tuple[str, ...], build: Callable[..., QuerySet]):
        self.model = model
        self.names = names
        self.build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def stand_ins(self, first: int = _FIRST_STAND_IN) -> dict[str, int]:
        return {name: first + k for k, name in enumerate(self.names)}

    def _slots(self, alias: str, stand_ins: dict[str, int]) -> tuple[str, tuple, tuple]:
        sql, params = self.build(**stand_ins).query.get_compiler(using=alias).as_sql()
        by_value = {value: name for name, value in stand_ins.items()}
        slots = tuple(
            (position, by_value[param])
            for position, param in enumerate(params)
            if isinstance(param, int) and not isinstance(param, bool) and param in by_value
        )
        return sql, tuple(params), slots

    def compile(self, alias: str) -> _Compiled:
        """The SQL with the stand-ins' positions; checked by composing it twice.

        With two different sets of stand-ins, the SQL text, the positions and
        every other parameter must agree: then each position found holds the
        value and nothing else does.
        """
        sql, params, slots = self._slots(alias, self.stand_ins())
        again = self._slots(alias, self.stand_ins(_FIRST_STAND_IN + 100))
        others = [p for k, p in enumerate(params) if k not in dict(slots)]
        others_again = [p for k, p in enumerate(again[1]) if k not in dict(again[2])]
        if (sql, slots, others) != (again[0], again[2], others_again):
            raise ValueError(f"{self.model.__name__} query: its values are not all parameters")
        if {name for _, name in slots} != set(self.names):
            raise ValueError(f"{self.model.__name__} query: a value is not a parameter")
        return _Compiled(sql, params, slots)

    def raw(self, **values: int) -> RawQuerySet:
        """The queryset's rows for these values, as model instances with its annotations."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self.compile(alias)
                self._compiled[alias] = compiled
        params = list(compiled.params)
        for position, name in compiled.slots:
            # As the ORM passed it: PostgreSQL's driver gets Int2/Int4 where it chose them.
            params[position] = type(compiled.params[position])(int(values[name]))
        return self.model.objects.raw(compiled.sql, params).using(alias)

    def forget(self) -> None:
        """Compose again at the next use (a test that changes the database's settings)."""
        with self._lock:
            self._compiled.clear()
