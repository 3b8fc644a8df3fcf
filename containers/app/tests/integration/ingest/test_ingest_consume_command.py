"""`mymonit consume` as operators run it: metrics on its own port, a liveness file, SIGTERM flushes, acks and exits."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import requests

from tests.integration.ingest.ingest_support import Lane, broker_channel, publish_bodies, queue_depth, wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metric(port: int, name: str) -> float:
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=15).text
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")]
    return values[0] if values else 0.0


def test_sigterm_writes_and_acks_the_open_batch_then_exits_cleanly(lane: Lane, tmp_path: Path) -> None:
    port, alive = free_port(), tmp_path / "consumer.alive"
    # Batches that never close by themselves: only the stop can write them.
    environment = lane.environment(CONSUMER_METRICS_PORT=str(port), CONSUMER_LIVENESS_FILE=str(alive),
                                   INGEST_BATCH_SIZE="10000", INGEST_BATCH_MS="60000")
    process = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "consume"], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: alive.exists() or process.poll() is not None, timeout=30)
        assert process.poll() is None, process.communicate()[0].decode()[-3_000:]
        publish_bodies(lane, [orjson.dumps(lane.measure(float(i))) for i in range(25)])
        wait_until(lambda: metric(port, "mymonit_ingest_messages_consumed_total") == 25, timeout=30)
        assert lane.count() == 0
        assert time.time() - alive.stat().st_mtime < 5

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        _reap(process)

    assert process.returncode == 0, output.decode()[-3_000:]
    assert lane.count() == 25
    assert queue_depth(lane) == 0
    assert b"ingest:consumer:stopped" in output


def test_a_topology_declared_otherwise_stops_the_consumer_with_a_clear_error(lane: Lane) -> None:
    # The lane's queue exists with a dead-letter exchange; asking for a different one cannot be satisfied.
    other = lane.topology.exchange + ".other"

    try:
        done = subprocess.run([sys.executable, "-m", "mymonit.cli", "consume"], env=lane.environment(
            RABBIT_EXCHANGE=other), timeout=60, capture_output=True, check=False)
    finally:
        channel = broker_channel(lane.settings)
        for exchange in (other, other + ".dead"):
            channel.exchange_delete(exchange)
        channel.connection.close()

    assert done.returncode == 1
    assert b"declared differently" in done.stderr


def test_mymonit_run_serves_the_api_and_consumes_in_one_process(lane: Lane) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "run"], env=lane.environment(REST_PORT=str(port)),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        publish_bodies(lane, [orjson.dumps(lane.measure(float(i))) for i in range(10)])
        wait_until(lambda: lane.count() == 10 or process.poll() is not None, timeout=60)
        wait_until(lambda: _answers(port) or process.poll() is not None, timeout=30)
        assert process.poll() is None, process.communicate()[0].decode()[-3_000:]
        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=15)
        stored = metric(port, "mymonit_ingest_measures_stored_total")

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        _reap(process)

    assert process.returncode == 0, output.decode()[-3_000:]
    assert lane.count() == 10
    assert health.status_code == 200
    assert stored == 10
    assert b"ingest:consumer:stopped" in output


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=15).status_code in {200, 503}
    except requests.RequestException:
        return False


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Kill the process (and its API workers) if a failed assertion left it running; release its pipe."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.stdout is not None and not process.stdout.closed:
        process.communicate(timeout=30)
