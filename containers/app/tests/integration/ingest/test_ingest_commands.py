"""The operator's commands: the adapters (`mymonit publish ...`) and `mymonit dead-letters list|replay`."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from mymonit.audit import reset_logging
from mymonit.cli import main
from tests.integration.ingest.ingest_support import Consumer, Lane, publish_bodies, queue_depth, wait_until

Invoke = Callable[..., Result]


@pytest.fixture
def mymonit(lane: Lane) -> Iterator[Invoke]:
    """Run `mymonit ARGS...` in-process on the lane; logging is put back afterwards."""
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None, **env: str) -> Result:
        return runner.invoke(main, list(args), input=stdin, env=lane.environment(**env), catch_exceptions=False)

    yield invoke
    reset_logging()


def test_the_csv_adapter_publishes_the_readable_rows_and_reports_the_others_by_line(
        lane: Lane, consumers: Callable[..., Consumer], mymonit: Invoke, tmp_path: Path) -> None:
    consumers()
    path = tmp_path / "readings.csv"
    path.write_bytes(b"timestamp,value\n1700000001,1.5\n1700000002,oops\n2023-11-14T22:13:23Z,3.5\n"
                     b"1700000004,\xff\n1700000005,5.5,hertz\n")

    result = mymonit("publish", "csv", str(path), "--experiment", lane.experiment.name)

    assert result.exit_code == 2
    assert "line 3: 'oops' is not a number" in result.stderr
    assert "line 5: the line is not valid UTF-8" in result.stderr
    assert "2 unreadable lines skipped" in result.stderr
    wait_until(lambda: lane.count() == 3)
    assert lane.stored() == [(1700000001.0, 1.5), (1700000003.0, 3.5), (1700000005.0, 5.5)]


def test_a_csv_with_a_sensor_column_is_stored_as_one_series_per_sensor_with_the_tags_of_the_options(
        lane: Lane, consumers: Callable[..., Consumer], mymonit: Invoke, tmp_path: Path) -> None:
    consumers()
    path = tmp_path / "readings.csv"
    path.write_text("timestamp,value,sensor\n1700000001,1,\n1700000002,2,probe-b\n1700000003,3,probe-a\n"
                    "1700000004,4,probe-b\n1700000005,5,probe-b\n")

    result = mymonit("publish", "csv", str(path), "--experiment", lane.experiment.name, "--batch", "2",
                     "--sensor", "probe-a", "--tag", "site=geneva")

    assert result.exit_code == 0, result.output
    wait_until(lambda: lane.count() == 5)
    sql = ("SELECT s.sensor, s.tags, COUNT(*) FROM measures m JOIN series s USING (series_id)"
           " WHERE m.experiment_id = %s GROUP BY s.series_id")
    rows = lane.container.database().run(lambda c: c.fetch_all(sql, (lane.experiment.experiment_id,)))
    assert sorted((sensor, str(tags), int(count)) for sensor, tags, count in rows) == [
        ("probe-a", '{"site":"geneva"}', 2), ("probe-b", '{"site":"geneva"}', 3)]


def test_the_stdin_adapter_publishes_one_number_per_line(
        lane: Lane, consumers: Callable[..., Consumer], mymonit: Invoke) -> None:
    consumers()

    result = mymonit("publish", "stdin", "--experiment", lane.experiment.name, stdin="100\n95\nabc\n110\n")

    assert result.exit_code == 2
    assert "line 3: 'abc' is not a number" in result.stderr
    wait_until(lambda: lane.count() == 3)
    assert [value for _ts, value in lane.stored()] == [100.0, 95.0, 110.0]


def test_the_synthetic_adapter_publishes_count_measures_in_arrays(
        lane: Lane, consumers: Callable[..., Consumer], mymonit: Invoke) -> None:
    consumers()

    result = mymonit("publish", "synthetic", "--experiment", lane.experiment.name, "--count", "500", "--batch", "50")

    assert result.exit_code == 0, result.output
    assert "published 500 measures in 10 messages" in result.stderr
    wait_until(lambda: lane.count() == 500)


def test_publishing_to_an_exchange_nobody_declared_fails_with_a_clear_error(lane: Lane, mymonit: Invoke) -> None:
    result = mymonit("publish", "synthetic", "--experiment", "x", "--count", "3",
                     RABBIT_EXCHANGE=lane.topology.exchange + ".missing")

    assert result.exit_code == 1
    assert "not found" in result.stderr


def test_dead_letters_are_listed_without_being_consumed_and_replayed_once_their_cause_is_fixed(
        lane: Lane, consumers: Callable[..., Consumer], mymonit: Invoke) -> None:
    consumers(INGEST_NAMES_RELOAD_SECONDS=0)  # the replay follows the miss within the second
    later = f"{lane.experiment.name}-later"
    publish_bodies(lane, [orjson.dumps(lane.measure(1.0, experiment=later)), b"not json"])
    wait_until(lambda: queue_depth(lane, lane.topology.dead_queue) == 2)

    listed = mymonit("dead-letters", "list")

    assert listed.exit_code == 0, listed.output
    assert "unknown-experiment" in listed.stdout
    assert later in listed.stdout
    assert "bad-json" in listed.stdout
    assert queue_depth(lane, lane.topology.dead_queue) == 2

    created = lane.container.experiment_repository().add(later)
    replayed = mymonit("dead-letters", "replay", "--reason-contains", "unknown-experiment")

    assert replayed.exit_code == 0, replayed.output
    assert "replayed 1 dead letters; 1 left" in replayed.stdout
    sql = "SELECT value FROM measures WHERE experiment_id = %s"
    wait_until(lambda: lane.container.database().run(lambda c: c.fetch_all(sql, (created.experiment_id,))) == [(1.0,)])
    assert queue_depth(lane, lane.topology.dead_queue) == 1


def test_a_wrong_adapter_password_fails_at_once_with_a_clear_error(mymonit: Invoke) -> None:
    result = mymonit("publish", "synthetic", "--experiment", "x", "--count", "3", ADAPTER_PASSWORD="not-the-password")

    assert result.exit_code == 1
    assert "refused the login" in result.stderr


def test_an_endless_synthetic_adapter_stops_on_sigterm_after_its_messages_are_confirmed(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumers()
    adapter = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "publish", "synthetic", "--experiment",
                                lane.experiment.name, "--count", "0", "--rate", "200"],
                               env=lane.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: lane.count() >= 50, timeout=60)
        adapter.send_signal(signal.SIGTERM)
        _, errors = adapter.communicate(timeout=60)
    finally:
        if adapter.poll() is None:
            adapter.kill()
            adapter.communicate()

    assert adapter.returncode == 130, errors.decode()[-2_000:]
    confirmed = int(re.search(rb"(\d+) messages confirmed", errors).group(1))  # type: ignore[union-attr]
    wait_until(lambda: lane.count() == confirmed)
    assert confirmed >= 50
