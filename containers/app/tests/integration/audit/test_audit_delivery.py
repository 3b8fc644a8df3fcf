"""Every event arrives exactly once when several processes share the spool, as the API server's do.

Logstash down for a while, then back: three processes audit while nothing listens on the
Logstash port, one of them exits before Logstash returns (its events wait in the spool), then a
listener starts on that port. And forks taken while the parent is busy sending, as the API server forks
its workers from a master that logs: no child inherits a locked spool or the parent's socket.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from logstash_standin import LogstashStandIn, eventually, free_port

EMITTER = Path(__file__).with_name("audit_emitter.py")
FORKER = Path(__file__).with_name("audit_forker.py")
PROCESSES, EACH, FORKS = 3, 40, 8
OUTAGE_SECONDS = 1.0


def start_emitters(port: int, spool: Path) -> list[subprocess.Popen[str]]:
    emitters = [
        subprocess.Popen([sys.executable, str(EMITTER), str(port), str(spool), str(n), str(EACH)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(PROCESSES)
    ]
    for emitter in emitters:
        assert emitter.stdout is not None
        assert emitter.stdout.readline().strip() == "emitted", emitter.stderr.read() if emitter.stderr else ""
    return emitters


def stop(emitter: subprocess.Popen[str]) -> str:
    """Let it shut down cleanly; return what it wrote on stderr."""
    _, errors = emitter.communicate("\n", timeout=30)
    assert emitter.returncode == 0, errors
    return errors


def test_events_audited_during_an_outage_arrive_exactly_once_when_logstash_returns(tmp_path: Path) -> None:
    port, spool = free_port(), tmp_path / "shared-spool.db"
    emitters = start_emitters(port, spool)
    time.sleep(OUTAGE_SECONDS)  # every worker tries, fails and keeps its events
    early_errors = stop(emitters[0])

    listener = LogstashStandIn(port)
    try:
        arrived = eventually(lambda: len(listener.audit_events()) >= PROCESSES * EACH, timeout=30)
        for emitter in emitters[1:]:
            stop(emitter)
        copies = Counter((event["process"], event["seq"]) for event in listener.audit_events())
    finally:
        listener.close()

    assert arrived
    assert "error occurred while sending events" in early_errors  # Logstash really was down for it
    assert set(copies) == {(process, seq) for process in range(PROCESSES) for seq in range(EACH)}
    assert set(copies.values()) == {1}


def test_children_forked_while_the_parent_is_logging_deliver_everything_once(tmp_path: Path) -> None:
    listener = LogstashStandIn()
    try:
        result, stderr = run_forker(listener.port, tmp_path)
        expected = result["parent_events"] + FORKS * EACH
        eventually(lambda: len(listener.audit_events()) >= expected, timeout=30)
        copies = Counter((event["process"], event["seq"]) for event in listener.audit_events())
    finally:
        listener.close()

    assert result["exit_codes"] == [0] * FORKS, "a child hung (-1) or failed"
    assert len(copies) == expected
    assert set(copies.values()) == {1}
    assert "parent line" in stderr  # the parent was writing to stderr while it forked


def run_forker(port: int, tmp_path: Path) -> tuple[dict[str, Any], str]:
    """Run audit_forker.py in a session of its own, so that nothing it forked can outlive the test."""
    stderr = tmp_path / "stderr"
    with stderr.open("w") as errors:
        forker = subprocess.Popen([sys.executable, str(FORKER), str(port), str(tmp_path / "spool.db"), str(FORKS),
                                   str(EACH)], stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
        try:
            output, _ = forker.communicate(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(forker.pid, signal.SIGKILL)
    assert forker.returncode == 0, stderr.read_text()[-2000:]
    return json.loads(output), stderr.read_text()
