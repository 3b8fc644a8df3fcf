"""The Logstash event shape: audit fields at top level, scrubbed traceback kept."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Final

from logstash_async.constants import constants
from logstash_async.formatter import LogstashFormatter
from logstash_async.transport import TcpTransport

from mymonit.audit.delivery import WORKER_LOGGER
from mymonit.audit.records import AUDIT_ATTRIBUTE, REDACTED_MARK

MESSAGE_TYPE: Final = "mymonit"
LOG_ID: Final = "log_id"
_EXTRA_PREFIX: Final = "extra"
_OWN_LOGGERS: Final = (WORKER_LOGGER, "LogProcessingWorker", "logstash_async")


class AuditLogstashFormatter(LogstashFormatter):  # type: ignore[misc]  # base class is untyped
    """LogstashFormatter whose JSON has `event`, `outcome`, `user_id`, `request_id`, `client`
    and the other audit fields at top level (a field clashing with a Logstash top-level key such
    as `message` or `host` stays under `extra.audit`), and `stack_trace` from the scrubbed
    `exc_text` (RedactingFilter drops `exc_info`, which the base class would read).

    Every document gets a random `log_id`, fixed when the record is formatted (before it is
    spooled), so a copy sent again after a partial delivery has the same id and the pipeline
    stores it under that document id once.
    """

    def __init__(self) -> None:
        super().__init__(message_type=MESSAGE_TYPE, extra_prefix=_EXTRA_PREFIX)
        self.field_skip_set: set[str] = {*constants.FORMATTER_RECORD_FIELD_SKIP_LIST, REDACTED_MARK}

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = self._format_to_dict(record)  # serialised once, below
        document["message"] = record.getMessage()  # never a `message` an earlier handler cached
        extra = document.setdefault(_EXTRA_PREFIX, {})
        audit = extra.pop(AUDIT_ATTRIBUTE, None)
        if isinstance(audit, dict):
            clashing = {k: v for k, v in audit.items() if k in document}
            document.update({k: v for k, v in audit.items() if k not in clashing})
            if clashing:
                extra[AUDIT_ATTRIBUTE] = clashing
        if record.exc_text:
            extra["stack_trace"] = record.exc_text
        document[LOG_ID] = uuid.uuid4().hex
        return json.dumps(document, ensure_ascii=True)


class PromptTcpTransport(TcpTransport):  # type: ignore[misc]  # base class is untyped
    """TcpTransport that gives up at once on a socket that never connected.

    python-logstash-async 4.1 waits up to SOCKET_CLOSE_WAIT_TIMEOUT (30 s) for the send buffer
    to drain before closing, and on Linux a refused socket reports bytes queued, so every retry
    while Logstash is down would stall the worker (and process shutdown) for 30 s. A connected
    socket still gets the drain wait, so nothing sent is cut off.
    """

    def _wait_for_socket_buffer_empty(self) -> None:
        if self._connected():
            super()._wait_for_socket_buffer_empty()

    def _shutdown_socket(self) -> None:
        if self._connected():
            super()._shutdown_socket()

    def _connected(self) -> bool:
        try:
            self._sock.getpeername()
        except OSError:
            return False
        return True


def is_own_machinery(record: logging.LogRecord) -> bool:
    """Records from python-logstash-async's own worker (e.g. "Logstash unreachable")."""
    return record.name.startswith(_OWN_LOGGERS)
