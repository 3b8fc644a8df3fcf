"""A process that forks children while it is busy logging, as the API server's master does.

    python audit_forker.py SPOOL_DIR FORKS EACH

Configures logging (console on the real stderr, the spool in SPOOL_DIR) and keeps auditing from a
thread; meanwhile forks FORKS children: the even ones configure logging again, the odd ones keep
the handlers they inherited; each audits EACH events and exits. Prints one JSON line: the
children's exit codes (-1: hung for 10 s and killed) and how many events the parent audited.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time

from audit_emitter import settings_for

from mymonit.audit import AuditEvent, AuditTrail, configure_logging, reset_logging


def main(spool: str, forks: int, each: int) -> None:
    trail = configure_logging(settings_for(spool), stream=sys.stderr)
    stop, audited = threading.Event(), [0]
    auditor = threading.Thread(target=keep_auditing, args=(trail, stop, audited))
    auditor.start()
    children = []
    for n in range(forks):
        children.append(fork_child(trail, spool, n, each))
        time.sleep(0.02)
    codes = [wait_for(child) for child in children]
    stop.set()
    auditor.join()
    reset_logging()
    print(json.dumps({"exit_codes": codes, "parent_events": audited[0]}), flush=True)  # noqa: T201  # the result


def keep_auditing(trail: AuditTrail, stop: threading.Event, audited: list[int]) -> None:
    while not stop.is_set():
        trail.emit(AuditEvent.INGEST_BATCH_STORED, process="parent", seq=audited[0])
        logging.getLogger("mymonit.forker").info("parent line %d on stderr", audited[0])
        audited[0] += 1


def fork_child(inherited: AuditTrail, spool: str, n: int, each: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        trail = configure_logging(settings_for(spool), stream=sys.stderr) if n % 2 == 0 else inherited
        for seq in range(each):
            trail.emit(AuditEvent.INGEST_BATCH_STORED, process=f"child-{n}", seq=seq)
        reset_logging()
        code = 0
    finally:
        os._exit(code)


def wait_for(pid: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
