"""The spool handler: every record into this process's spool, audit events first of all.

`handle` filters (redaction), makes the record's Logstash document and appends it to the
process's `ProcessSpool`; when it returns, the record is in the spool. A record from
`AuditTrail` is durable (held in memory if the spool cannot take it, synced with `Sync.POWER`);
any other record is a best-effort log line. The handler's own lock is not taken: the spool is
thread-safe by itself. Nothing here touches the network: `mymonit ship-audit` sends the spool on
(`shipper`).
"""

from __future__ import annotations

import logging

from mymonit.audit.document import LogstashDocumentFormatter
from mymonit.audit.records import AUDIT_ATTRIBUTE
from mymonit.audit.spool import ProcessSpool


class SpoolHandler(logging.Handler):
    def __init__(self, spool: ProcessSpool) -> None:
        super().__init__()
        self.spool = spool
        self._documents = LogstashDocumentFormatter()
        self.setFormatter(self._documents)

    def handle(self, record: logging.LogRecord) -> bool:
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.spool.write(self._documents.document(record), durable=hasattr(record, AUDIT_ATTRIBUTE))
        except Exception:  # noqa: BLE001  # logging's own convention: report, never raise into the caller
            self.handleError(record)

    def close(self) -> None:
        self.spool.close()
        super().close()
