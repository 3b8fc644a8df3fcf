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
import json
import logging
import math
import socket
import sys
import uuid
from typing import Any, Final

from mymonit.audit.records import AUDIT_ATTRIBUTE, extra_fields

MESSAGE_TYPE: Final = "mymonit"
LOG_ID: Final = "log_id"
EXTRA: Final = "extra"
_PLAIN: Final = (type(None), bool, str, int, float)


class LogstashDocumentFormatter(logging.Formatter):
    """Formats a (redacted) record into one line of ASCII JSON."""

    def __init__(self) -> None:
        super().__init__()
        self._host = socket.gethostname()
        self._program = sys.argv[0] if sys.argv else ""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "@timestamp": _timestamp(record.created),
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
        extra.update({key: _plain(value) for key, value in fields.items()})
        if isinstance(audit, dict):
            taken = {*document, EXTRA, LOG_ID}
            clashing = {k: _plain(v) for k, v in audit.items() if k in taken}
            document.update({str(k): _plain(v) for k, v in audit.items() if k not in clashing})
            if clashing:
                extra[AUDIT_ATTRIBUTE] = clashing
        if record.exc_text:
            extra["stack_trace"] = record.exc_text
        document[EXTRA] = extra
        document[LOG_ID] = uuid.uuid4().hex
        return json.dumps(document, ensure_ascii=True)


def _timestamp(created: float) -> str:
    moment = dt.datetime.fromtimestamp(created, dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _plain(value: object) -> object:
    """JSON-ready: containers walked, anything else as its repr (already redacted upstream)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # JSON has no NaN or infinity
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return repr(value)
