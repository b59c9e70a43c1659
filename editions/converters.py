"""URL converters: an edition is addressed by its ISO date (/2024-08-02/)."""

import datetime


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:  # 2024-02-30 matches the regex but is no date: a 404
            raise ValueError(value) from exc

    def to_url(self, value) -> str:
        if isinstance(value, str):
            return value
        return value.isoformat()
