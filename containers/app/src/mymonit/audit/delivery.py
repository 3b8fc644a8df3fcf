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
from collections.abc import Collection
from pathlib import Path

from mymonit.audit.document import LogstashDocumentFormatter
from mymonit.audit.spool import ProcessSpool, Sync
from mymonit.logs.records import AUDIT_ATTRIBUTE
from mymonit.logs.redacting_filter import RedactingFilter


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


def spool_handler(directory: Path, sync: Sync, secrets: Collection[str]) -> logging.Handler:
    """Every record into this process's spool file in `directory` (see `SpoolHandler`); redacting.

    A record is in the spool when the call that logs it returns; `mymonit ship-audit` sends it on
    to Logstash (or the audit file) and forgets it once acknowledged.
    """
    handler = SpoolHandler(ProcessSpool(directory, sync))
    handler.addFilter(RedactingFilter(secrets))
    return handler
