"""One module per database technique, chosen by the connection's vendor.

Each offers the same functions: the schema (``create_schema``, ``create_triggers``,
``swap_in``…), writes (``write``, ``remove``) and the reading SQL (``match_condition``,
``tier_conditions``, ``scan_sql``, ``ids_sql``). The rest of the package
never writes SQL of its own for the index.
"""

from __future__ import annotations

from types import ModuleType

from django.db import NotSupportedError

from . import postgresql, sqlite

BACKENDS = {"sqlite": sqlite, "postgresql": postgresql}


def for_connection(connection) -> ModuleType:
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise NotSupportedError(
            f"Full-text search supports SQLite and PostgreSQL, not {connection.vendor}."
        ) from None
