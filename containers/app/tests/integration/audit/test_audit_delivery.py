"""Every audit event that a process reported as done reaches Logstash exactly once, whatever fails.

Real processes (audit_emitter.py, audit_forker.py, `mymonit ship-audit`) and a real HTTP server
standing in for Logstash's http input (tests/support/logstash_standin.py). Nothing sleeps: each
step waits for the process or the stand-in to say it is done.

- Logstash down while processes audit, one of them ending meanwhile; then back.
- Children forked while the parent audits hard from a thread (granian forks its workers so).
- A process killed with SIGKILL right after it reported event k as done: events 0..k are spooled.
- The shipper killed while Logstash holds a batch it has not yet answered: sent again, stored once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mymonit.audit import spool_file
from tests.support import environment
from tests.support.logstash_standin import Document, LogstashStandIn
from tests.support.shipping import ship_everything

EMITTER = Path(__file__).with_name("audit_emitter.py")
FORKER = Path(__file__).with_name("audit_forker.py")
MYMONIT = Path(sys.executable).with_name("mymonit")
PROCESSES, EACH, FORKS = 3, 40, 8
CRASHES = 5


@pytest.fixture
def logstash() -> Iterator[LogstashStandIn]:
    server = LogstashStandIn()
    yield server
    server.close()


def emitter(spool: Path, process: int, count: int, *, report_each: bool = False) -> subprocess.Popen[str]:
    flags = ["--report-each"] if report_each else []
    return subprocess.Popen([sys.executable, str(EMITTER), str(spool), str(process), str(count), *flags],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_emitted(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line == "emitted", process.stderr.read() if process.stderr else line


def stop(process: subprocess.Popen[str]) -> None:
    """Let it shut down cleanly."""
    _, errors = process.communicate("\n", timeout=30)
    assert process.returncode == 0, errors


def shipper(spool: Path, port: int, batch: int = 500) -> subprocess.Popen[str]:
    """`mymonit ship-audit` for `spool`, to the stand-in; its log on a pipe (stderr)."""
    env = {**os.environ, **environment.test_environment(), "LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": str(port),
           "AUDIT_SPOOL_DIR": str(spool), "AUDIT_SHIP_BATCH": str(batch), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([str(MYMONIT), "ship-audit"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def end(process: subprocess.Popen[str]) -> str:
    """Stop a shipper as its supervisor would (SIGTERM), wait for it; what it logged after that."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=30)
    return errors


def wait_for_line(process: subprocess.Popen[str], text: str) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if text in line:
            return
    pytest.fail(f"the process ended without logging {text!r}")


def numbered(events: list[Document]) -> Counter[tuple[object, object]]:
    return Counter((event["process"], event["seq"]) for event in events if "seq" in event)


def spooled(spool: Path) -> list[dict[str, Any]]:
    """The complete lines of every lane of `spool`, read as the shipper reads them."""
    events = []
    for lane, segments in spool_file.lanes(spool).items():
        for number in segments:
            data = spool_file.segment_path(spool, lane, number).read_bytes()
            events += [json.loads(line) for line in data.split(b"\n")[:-1]]  # a torn last line is no event
    return events


def test_events_audited_while_logstash_is_down_arrive_exactly_once_when_it_is_back(
    logstash: LogstashStandIn, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    logstash.go_down()
    sender = shipper(spool, logstash.port)
    try:
        emitters = [emitter(spool, n, EACH) for n in range(PROCESSES)]
        for process in emitters:
            wait_until_emitted(process)
        stop(emitters[0])  # ends while Logstash is down: its spool waits for the shipper
        wait_for_line(sender, "cannot ship the audit spool")
        logstash.come_back()
        arrived = logstash.wait_for_stored(PROCESSES * EACH, audit_only=True)
        for process in emitters[1:]:
            stop(process)
    finally:
        end(sender)

    assert arrived
    copies = numbered(logstash.audit_events())
    assert set(copies) == {(process, seq) for process in range(PROCESSES) for seq in range(EACH)}
    assert set(logstash.copies().values()) == {1}
    assert sender.returncode == 0


def test_children_forked_while_the_parent_audits_deliver_everything_once(
    logstash: LogstashStandIn, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"

    result, stderr = run_forker(spool, tmp_path)
    ship_everything(spool, logstash.port)

    copies = numbered(logstash.audit_events())
    assert result["exit_codes"] == [0] * FORKS, "a child hung (-1) or failed"
    assert len(copies) == result["parent_events"] + FORKS * EACH
    assert {process for process, _ in copies} == {"parent", *(f"child-{n}" for n in range(FORKS))}
    assert set(logstash.copies().values()) == {1}
    assert "parent line" in stderr  # the parent was writing to stderr while it forked
    assert spool_file.lanes(spool) == {}  # every process ended: every lane drained and removed


def test_a_process_killed_right_after_event_k_leaves_events_0_to_k_in_its_spool(tmp_path: Path) -> None:
    for crash in range(CRASHES):
        spool = tmp_path / f"spool-{crash}"
        k = random.randrange(2_000)  # noqa: S311  # a place to crash, not a secret
        with emitter(spool, crash, 100_000, report_each=True) as process:  # closes its pipes
            assert process.stdout is not None
            for line in process.stdout:
                if int(line) == k:
                    process.kill()  # SIGKILL, the moment the process said event k was done
                    break

        seqs = {event["seq"] for event in spooled(spool)}
        assert set(range(k + 1)) <= seqs, f"crash {crash}: events missing below k={k}"
        assert seqs == set(range(len(seqs))), f"crash {crash}: a gap in the spool"


def test_a_shipper_killed_before_logstash_answered_sends_the_batch_again_and_it_is_stored_once(
    logstash: LogstashStandIn, tmp_path: Path
) -> None:
    spool, batch, count = tmp_path / "spool", 50, 400
    process = emitter(spool, 0, count)
    wait_until_emitted(process)
    stop(process)
    killed: list[int] = []
    first = shipper(spool, logstash.port, batch)

    def kill_during_the_third_batch(events: list[Document]) -> None:
        if len(logstash.bodies()) == 3:  # the third batch arrived; Logstash keeps it, the ack is lost
            first.kill()
            first.wait(timeout=30)
            killed.append(len(events))

    logstash.before_answer(kill_during_the_third_batch)
    second = None
    try:
        first.wait(timeout=60)
        logstash.before_answer(None)
        second = shipper(spool, logstash.port, batch)
        stored = logstash.wait_for_stored(count, audit_only=True)
    finally:
        for sender in (first, second):
            if sender is not None:
                end(sender)

    assert killed == [batch]
    assert stored
    assert sorted(event["seq"] for event in logstash.audit_events()) == list(range(count))
    assert Counter(logstash.copies().values()) == Counter({1: count - batch, 2: batch})


def run_forker(spool: Path, tmp_path: Path) -> tuple[dict[str, Any], str]:
    """Run audit_forker.py in a session of its own, so that nothing it forked can outlive the test."""
    stderr = tmp_path / "stderr"
    with stderr.open("w") as errors:
        forker = subprocess.Popen([sys.executable, str(FORKER), str(spool), str(FORKS), str(EACH)],
                                  stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
        try:
            output, _ = forker.communicate(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(forker.pid, signal.SIGKILL)
    assert forker.returncode == 0, stderr.read_text()[-2000:]
    return json.loads(output), stderr.read_text()
