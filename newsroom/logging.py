"""Log records as one JSON object per line, for production.

A log collector (journald's export, Loki, Elasticsearch …) then reads each
field without guessing where a multi-line traceback or a message with spaces
ends. The standard library's formatter does the rest; no dependency needed.
"""

from __future__ import annotations

import datetime
import json
import logging

#: Attributes every LogRecord has; anything else was passed as ``extra=`` and is kept.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}
#: What Django attaches to request log records; objects, not facts, so left out.
_SKIPPED = frozenset({"request", "server_time"})


class JsonFormatter(logging.Formatter):
    """``{"time": …, "level": …, "logger": …, "message": …}``, plus the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in _SKIPPED:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
