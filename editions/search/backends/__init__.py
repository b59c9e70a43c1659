"""One module per database, chosen by the connection's vendor.

The technique is the same on both (our own postings, :mod:`..postings`); each module
offers the same functions for what differs: the schema (``create_schema``,
``swap_in``…), the queue and its triggers (``create_triggers``, ``take_pending``…),
and the words of SQL the rest is written with (``contains``, ``among``,
``insert_rows``, ``next_segment``, ``lock_writes``).
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
