"""The JSON document of one log record, as it is spooled and shipped to Logstash.

Top level: Logstash's usual fields (`@timestamp` in UTC with milliseconds, `@version`, `message`,
`level`, `type`, `host`, `logsource`, `pid`, `program`), a random `log_id`, and an audit event's
own fields (`event`, `outcome`, `request_id`, `user_id`, `client`, ...). Everything else (the
logger, thread and source line, `stack_trace`, other `extra=` fields) sits under `extra`. An
audit field that clashes with a top-level name stays under `extra.audit`.

`log_id` is fixed when the record is formatted, before it is spooled, so every copy the shipper
sends again is the same document: the pipeline stores it under that id once.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import sys
import uuid
from typing import Any, Final

import orjson

from mymonit.logs.records import AUDIT_ATTRIBUTE, extra_fields

MESSAGE_TYPE: Final = "mymonit"
LOG_ID: Final = "log_id"
EXTRA: Final = "extra"
_OPTIONS: Final = orjson.OPT_NON_STR_KEYS


class LogstashDocumentFormatter(logging.Formatter):
    """Formats a (redacted) record into one line of UTF-8 JSON (`document`; `format` as text)."""

    def __init__(self) -> None:
        super().__init__()
        self._host = socket.gethostname()
        self._program = sys.argv[0] if sys.argv else ""
        self._second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        return self.document(record).decode("utf-8")

    def document(self, record: logging.LogRecord) -> bytes:
        document: dict[str, Any] = {
            "@timestamp": self._timestamp(record.created),
            "@version": "1",
            "message": record.getMessage(),
            "level": record.levelname,
            "type": MESSAGE_TYPE,
            "host": self._host,
            "logsource": self._host,
            "pid": record.process,
            "program": self._program,
        }
        extra: dict[str, object] = {
            "logger_name": record.name,
            "thread_name": record.threadName,
            "process_name": record.processName,
            "func_name": record.funcName,
            "path": record.pathname,
            "line": record.lineno,
        }
        fields = extra_fields(record)
        audit = fields.pop(AUDIT_ATTRIBUTE, None)
        extra.update(fields)
        if isinstance(audit, dict):
            taken = {*document, EXTRA, LOG_ID}
            clashing = {k: v for k, v in audit.items() if k in taken}
            document.update({k: v for k, v in audit.items() if k not in clashing})
            if clashing:
                extra[AUDIT_ATTRIBUTE] = clashing
        if record.exc_text:
            extra["stack_trace"] = record.exc_text
        document[EXTRA] = extra
        document[LOG_ID] = uuid.uuid4().hex
        return orjson.dumps(document, default=_default, option=_OPTIONS)

    def _timestamp(self, created: float) -> str:
        """UTC with milliseconds; the part up to the second made once per second."""
        second = int(created)
        if self._second[0] != second:
            self._second = (second, f"{dt.datetime.fromtimestamp(second, dt.UTC):%Y-%m-%dT%H:%M:%S}")
        return f"{self._second[1]}.{int((created - second) * 1000):03d}Z"


def _default(value: object) -> object:
    """What orjson cannot write itself: sets as lists, anything else as its repr (redacted upstream).

    (orjson writes NaN and infinities as null: JSON has neither.)
    """
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return repr(value)
