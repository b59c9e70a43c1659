"""URL converters: a paper by its code (/ljrb/), an edition by its key (/2024-08-02/)."""

from __future__ import annotations

import datetime

from .links import EditionKey

#: A paper's code: lower-case ASCII, a letter first, so it can never be read as a date.
PAPER_CODE_REGEX = r"[a-z][a-z0-9]{1,19}"
EDITION_CODE_REGEX = r"[a-z][a-z0-9]{0,19}"


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:  # 2024-02-30 matches the regex but is no date: a 404
        raise ValueError(value) from exc


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return _date(value)

    def to_url(self, value) -> str:
        if isinstance(value, str):
            return value
        return value.isoformat()


class PaperCodeConverter:
    regex = PAPER_CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else value.code


class EditionKeyConverter:
    """``2024-08-02`` (the day's regular edition) or ``2024-08-02-haowai`` (another one)."""

    regex = rf"\d{{4}}-\d{{2}}-\d{{2}}(?:-{EDITION_CODE_REGEX})?"

    def to_python(self, value: str) -> EditionKey:
        day, _, code = value[:10], value[10:11], value[11:]
        return EditionKey(_date(day), code)

    def to_url(self, value) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
