"""Restarting MariaDB or RabbitMQ in the middle of a run loses nothing and doubles nothing."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.integration.ingest.ingest_support import T0, Consumer, Lane, publish_with_adapter, wait_until
from tests.support.environment import ROOT

pytestmark = pytest.mark.slow

VALUES = [float(i) for i in range(3_000)]


def _start_infrastructure(attempts: int = 3) -> None:
    """run-infra.sh, again if it failed: another suite may be restarting the same servers right now."""
    for attempt in range(attempts):
        done = subprocess.run([str(ROOT / "run-infra.sh")], timeout=300, capture_output=True, check=False)
        if done.returncode == 0:
            return
        if attempt + 1 < attempts:
            time.sleep(5)
    raise AssertionError(f"run-infra.sh failed: {done.stderr.decode()[-2_000:]}")


@pytest.fixture
def infrastructure_restored() -> Iterator[None]:
    """Whatever the test stops, the servers run again afterwards."""
    yield
    _start_infrastructure()


class BackgroundPublisher:
    """The adapter publishing VALUES at a steady pace on a thread, resending across broker restarts."""

    def __init__(self, lane: Lane) -> None:
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(lane,), daemon=True)
        self.thread.start()

    def _run(self, lane: Lane) -> None:
        try:
            publish_with_adapter(lane, VALUES, pause=0.0015)
        except BaseException as error:  # noqa: BLE001  # reported by join() on the test's thread
            self.failure = error

    def join(self) -> None:
        self.thread.join(240)
        assert not self.thread.is_alive(), "the publisher did not finish"
        if self.failure is not None:
            raise self.failure


@pytest.mark.usefixtures("infrastructure_restored")
def test_nothing_is_lost_or_doubled_when_mariadb_restarts_during_a_run(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumer = consumers()
    publisher = BackgroundPublisher(lane)
    wait_until(lambda: lane.count() > 300)

    subprocess.run(["mariadb-admin", "--protocol=socket", "-uroot", "shutdown"], check=True, timeout=60)
    wait_until(lambda: consumer.value("failures", component="database") > 0, timeout=30)
    _start_infrastructure()
    publisher.join()

    wait_until(lambda: lane.count() >= len(VALUES), timeout=120)
    assert lane.stored() == [(T0 + v, v) for v in VALUES]
    assert consumer.thread.is_alive()


@pytest.mark.usefixtures("infrastructure_restored")
def test_nothing_is_lost_or_doubled_when_rabbitmq_restarts_during_a_run(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumer = consumers()
    publisher = BackgroundPublisher(lane)
    wait_until(lambda: lane.count() > 300)

    subprocess.run(["rabbitmqctl", "stop"], check=True, timeout=120, capture_output=True)
    _start_infrastructure()
    publisher.join()

    wait_until(lambda: lane.count() >= len(VALUES), timeout=120)
    assert lane.stored() == [(T0 + v, v) for v in VALUES]
    assert consumer.value("failures", component="broker") > 0
    assert consumer.thread.is_alive()
