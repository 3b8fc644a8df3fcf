"""A separate process that audits numbered events into its own spool (an API worker's part).

    python audit_emitter.py SPOOL_DIR PROCESS COUNT [--report-each]

Configures logging as a service process does (the spool in SPOOL_DIR), emits COUNT
`ingest:batch:stored` events carrying `process` and `seq`, prints "emitted", then waits for a line
(or end of input) on stdin and exits, closing the handler as a process shutting down would.
With --report-each it prints each `seq` as soon as its `emit` has returned (the event is then
durable: what a crash test may kill it after), and then waits the same way.
"""

from __future__ import annotations

import io
import sys

from pydantic import SecretStr

from mymonit.audit import AuditEvent, configure_logging, reset_logging
from mymonit.config import Settings


def settings_for(spool: str) -> Settings:
    """Spooling on (a Logstash host is named), the spool in `spool`; nothing here opens a socket."""
    return Settings.model_construct(DB_PASSWORD=SecretStr("db-emitter"), RABBIT_PASSWORD=SecretStr("rabbit-emitter"),
                                    ADAPTER_PASSWORD=None, LOGSTASH_HOST="127.0.0.1", AUDIT_SPOOL_DIR=spool)


def main(spool: str, process: int, count: int, report_each: bool) -> None:
    trail = configure_logging(settings_for(spool), stream=io.StringIO())
    for seq in range(count):
        trail.emit(AuditEvent.INGEST_BATCH_STORED, process=process, seq=seq)
        if report_each:
            print(seq, flush=True)  # noqa: T201  # the parent test reads it
    print("emitted", flush=True)  # noqa: T201  # the parent test reads it
    sys.stdin.readline()
    reset_logging()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), "--report-each" in sys.argv[4:])
