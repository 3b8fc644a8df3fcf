"""A separate process that audits numbered events into a shared spool (an API worker's part).

    python audit_emitter.py PORT SPOOL PROCESS COUNT

Configures logging with Logstash at 127.0.0.1:PORT and the spool file SPOOL, emits COUNT
`ingest:batch:stored` events carrying `process` and `seq`, prints "emitted", then waits for a line
(or end of input) on stdin and exits, closing the handler as a process shutting down would.
"""

from __future__ import annotations

import io
import sys

from logstash_async.constants import constants
from pydantic import SecretStr

from mymonit.audit import AuditEvent, configure_logging, reset_logging
from mymonit.config import Settings


def fast_delivery() -> None:
    constants.QUEUE_CHECK_INTERVAL = 0.05
    constants.QUEUED_EVENTS_FLUSH_INTERVAL = 0.1
    constants.SOCKET_TIMEOUT = 1.0
    constants.QUEUED_EVENTS_BATCH_SIZE = 7  # many small claims interleave between the processes


def settings_for(port: int) -> Settings:
    return Settings.model_construct(DB_PASSWORD=SecretStr("db-emitter"), RABBIT_PASSWORD=SecretStr("rabbit-emitter"),
                                    ADAPTER_PASSWORD=None, LOGSTASH_HOST="127.0.0.1", LOGSTASH_PORT=port)


def main(port: int, spool: str, process: int, count: int) -> None:
    fast_delivery()
    trail = configure_logging(settings_for(port), spool_path=spool, stream=io.StringIO())
    for seq in range(count):
        trail.emit(AuditEvent.INGEST_BATCH_STORED, process=process, seq=seq)
    print("emitted", flush=True)  # noqa: T201  # the parent test reads it
    sys.stdin.readline()
    reset_logging()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
