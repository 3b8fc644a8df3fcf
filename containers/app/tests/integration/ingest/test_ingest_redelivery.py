"""Killed between commit and ack, a consumer leaves its batch to redelivery, and the redelivery stores nothing twice."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.integration.ingest.ingest_support import T0, Consumer, Lane, publish_with_adapter, queue_depth, wait_until

HARNESS = Path(__file__).with_name("ingest_kill_harness.py")


def test_a_consumer_killed_right_after_a_commit_stores_nothing_twice(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    values = [float(i) for i in range(1_000)]
    publish_with_adapter(lane, values)

    killed = subprocess.run([sys.executable, str(HARNESS)], timeout=120, capture_output=True, check=False,
                            env=lane.environment(INGEST_BATCH_SIZE="100", INGEST_PREFETCH="200"))

    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2_000:]
    committed = lane.count()
    assert 0 < committed < len(values)
    wait_until(lambda: queue_depth(lane) == len(values))  # nothing was acked: the broker has it all again

    consumer = consumers()

    wait_until(lambda: lane.count() >= len(values) and consumer.value("stored") + consumer.value("duplicates")
               == len(values))
    assert lane.stored() == [(T0 + v, v) for v in values]
    assert consumer.value("duplicates") == committed
