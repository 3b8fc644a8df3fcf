"""The spool handler: every record into this process's spool, audit events durably.

`handle` filters (redaction), formats the Logstash document and writes it to the process's
`ProcessSpool`. A record from `AuditTrail` is durable: `handle` returns once it is committed. Any
other record is a best-effort log line. The handler's own lock is not held meanwhile, so the
commits of concurrent threads group (the spool is thread-safe by itself). Nothing here touches
the network: `mymonit ship-audit` sends the spool's contents (`shipper`).
"""

from __future__ import annotations

import logging

from mymonit.audit.records import AUDIT_ATTRIBUTE
from mymonit.audit.spool import ProcessSpool


class SpoolHandler(logging.Handler):
    def __init__(self, spool: ProcessSpool) -> None:
        super().__init__()
        self.spool = spool

    def handle(self, record: logging.LogRecord) -> bool:
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            body = self.format(record)
            self.spool.write(body, durable=hasattr(record, AUDIT_ATTRIBUTE))
        except Exception:  # noqa: BLE001  # logging's own convention: report, never raise into the caller
            self.handleError(record)

    def flush(self) -> None:
        self.spool.flush()

    def close(self) -> None:
        self.spool.close()
        super().close()
