"""Evaluators as processes: killed between a transition and its webhook, and several at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from mymonit.alerting.evaluator import CycleReport
from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.series import Labels
from tests.integration.alerts.alert_world import AlertWorld
from tests.integration.alerts.conftest import SECRET
from tests.support.webhook_receiver import Receiver


def _wait(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@contextlib.contextmanager
def _alerts_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    environment = {**os.environ, "DB_DATABASE": settings.DB_DATABASE, "ALERT_WEBHOOK_SECRET": SECRET,
                   "ALERT_INTERVAL": "0.2", "ALERT_WEBHOOK_RETRY_SECONDS": "0.1", "ALERT_WEBHOOK_TIMEOUT": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "alerts"], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def test_an_evaluator_killed_before_its_webhook_went_out_delivers_it_after_restart_once(
        alert_world: AlertWorld, alerts_settings: Settings, receiver: Receiver) -> None:
    alert_world.clock.now = datetime.now(UTC)
    rule = alert_world.rule(receiver.url)
    alert_world.measure(11.0, ago=0)
    receiver.otherwise = 503  # the transition is taken, its notification cannot go out
    with _alerts_process(alerts_settings) as first:
        assert _wait(lambda: alert_world.outbox() and alert_world.outbox()[0][1] >= 1), first
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert alert_world.history(rule) == [("normal", "firing")]

    receiver.otherwise = 200
    with _alerts_process(alerts_settings) as second:
        (delivered,) = receiver.wait_for(1)
        assert _wait(lambda: alert_world.outbox()[0][2])  # marked delivered
        time.sleep(1.0)  # several more cycles and passes of the outbox
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0

    assert len(receiver.accepted()) == 1
    assert delivered.headers["Idempotency-Key"] == alert_world.outbox()[0][0]
    assert alert_world.history(rule) == [("normal", "firing")]


@pytest.fixture
def second_container(alerts_settings: Settings) -> Iterator[Container]:
    """Another evaluator's process: its own pool on the same database."""
    container = Container(settings=alerts_settings, audit_trail=AuditTrail())
    yield container
    container.database().close()


def test_two_evaluators_at_once_take_each_transition_once(alert_world: AlertWorld, second_container: Container,
                                                          receiver: Receiver) -> None:
    sensors = [Labels(f"s{i:03d}") for i in range(200)]
    rule = alert_world.rule(receiver.url)
    evaluators = [alert_world.evaluator(), second_container.alert_evaluator(clock=alert_world.clock)]

    def together() -> list[CycleReport]:
        start = threading.Barrier(len(evaluators))
        reports: list[CycleReport] = []

        def run(index: int) -> None:
            start.wait()
            reports.append(evaluators[index].cycle())

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(evaluators))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return reports

    for value, state in ((20.0, "firing"), (1.0, "resolved")):
        for labels in sensors:
            alert_world.measure(value, labels=labels)
        assert sum(report.transitions for report in together()) == len(sensors)
        assert set(alert_world.states(rule)) == {state}
        alert_world.clock.advance(5)

    history = alert_world.history(rule)
    assert sorted(set(history)) == [("firing", "resolved"), ("normal", "firing")]
    assert len(history) == 2 * len(sensors)
    keys = [key for key, _, _ in alert_world.outbox()]
    assert len(keys) == len(set(keys)) == 2 * len(sensors)
