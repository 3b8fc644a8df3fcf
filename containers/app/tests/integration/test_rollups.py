"""Rollups against the real MariaDB (docs/design.md, Rollups): whatever arrives late, twice or out of
order, and wherever the worker stands, an aggregate served from them equals the raw computation;
a worker killed mid-turn loses and doubles nothing.

Counts, minimums and maximums must be equal exactly. Sums are float additions in another order
than the raw sum's: a mean may differ by 1e-9 of the mean magnitude of the bucket's values.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.model import Aggregate, Resolution
from mymonit.domain.queries import AggregateQuery
from mymonit.domain.timestamps import unix_micros
from mymonit.ingest.ports import NewMeasure
from mymonit.storage.database import Database
from mymonit.storage.rollup_store import MySqlRollupStore
from mymonit.storage.session import Connection
from tests.support.databases import migrated_database
from tests.unit.builders import HERTZ as HERTZ_TYPE
from tests.unit.builders import NEWTON as NEWTON_TYPE

T0 = datetime(2026, 3, 1, tzinfo=UTC)  # a whole hour
SPAN = timedelta(hours=3)
FIRST_MINUTE = unix_micros(T0) // 60_000_000
EVERYTHING_CLOSED = FIRST_MINUTE + 10 * 24 * 60
RELATIVE_SUM = 1e-9
HERTZ, NEWTON = HERTZ_TYPE.type_id, NEWTON_TYPE.type_id
Buckets = dict[tuple[str, int | None, datetime], tuple[int, float, float, list[float]]]


@pytest.fixture(scope="module")
def rollups_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"DB_DATABASE": f"{settings.DB_DATABASE}_rollups_{os.getpid()}"})


@pytest.fixture(scope="module")
def scratch(rollups_settings: Settings) -> Iterator[Container]:
    """A database of this module alone: every worker turn sees only its marks."""
    with migrated_database(rollups_settings) as container:
        yield container


class Lab:
    """One new experiment with three series: two of hertz, one of newton."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.experiment_id = container.database().run(lambda c: c.execute(
            "INSERT INTO experiments (name) VALUES (CONCAT('lab-', UUID()))")
            and int(c.fetch_all("SELECT LAST_INSERT_ID()")[0][0]))
        self.series = [self._series(type_id, f"s{n}") for n, type_id in enumerate((HERTZ, HERTZ, NEWTON))]
        # (micros, key) → (series, type, value): the primary key is (experiment, time, key), so the first
        # stored wins, in whichever series it came.
        self.stored: dict[tuple[int, int], tuple[int, int, float]] = {}

    def _series(self, type_id: int, sensor: str) -> int:
        def make(connection: Any) -> int:
            connection.execute("INSERT INTO series (experiment_id, type_id, sensor, tags, identity_hash)"
                               " VALUES (%s, %s, %s, '{}', UNHEX(MD5(CONCAT(%s, UUID()))))",
                               (self.experiment_id, type_id, sensor, sensor))
            return int(connection.fetch_all("SELECT LAST_INSERT_ID()")[0][0])
        return int(self.container.database().run(make))

    def write(self, batch: list[tuple[int, int, float, int]]) -> None:
        """(series index, micros after T0, value, key) rows, as one consumer batch."""
        measures = []
        for index, offset, value, key in batch:
            series_id, type_id = self.series[index], (HERTZ, HERTZ, NEWTON)[index]
            micros = unix_micros(T0) + offset
            measures.append(NewMeasure(self.experiment_id, type_id, micros, value, key, series_id))
            self.stored.setdefault((micros, key), (series_id, type_id, value))
        self.container.measure_writer().insert(measures)

    def roll(self, closed_before: int) -> None:
        store = self.container.rollup_store()
        while store.roll(closed_before).more:
            pass

    def aggregate(self, query: AggregateQuery) -> Aggregate:
        return self.container.measure_reader().aggregate(query, {HERTZ: "hertz", NEWTON: "newton"})

    def expected(self, query: AggregateQuery) -> Buckets:
        groups: dict[tuple[str, int | None, datetime], list[float]] = {}
        for (micros, _), (series_id, type_id, value) in self.stored.items():
            moment = datetime.fromtimestamp(micros // 1_000_000, UTC) + timedelta(microseconds=micros % 1_000_000)
            chosen = query.series_ids is None or series_id in query.series_ids
            if chosen and query.type_id in (None, type_id) and query.start <= moment < query.end:
                bucket = query.start + (moment - query.start) // query.width * query.width
                name = "hertz" if type_id == HERTZ else "newton"
                groups.setdefault((name, series_id if query.by_series else None, bucket), []).append(value)
        return {key: (len(v), min(v), max(v), v) for key, v in groups.items()}

    def queries(self) -> list[AggregateQuery]:
        hours = AggregateQuery(self.experiment_id, T0, T0 + SPAN, timedelta(hours=1))
        minutes = AggregateQuery(self.experiment_id, T0, T0 + SPAN, timedelta(minutes=7))
        return [hours, replace(hours, by_series=True), replace(hours, type_id=HERTZ),
                minutes, replace(minutes, series_ids=(self.series[1],), by_series=True),
                replace(minutes, start=T0 + timedelta(minutes=13), end=T0 + timedelta(minutes=97))]


def assert_equals_raw(lab: Lab, query: AggregateQuery) -> Aggregate:
    answer = lab.aggregate(query)
    expected = lab.expected(query)
    got = {(b.measure_type, b.series_id, b.start): b for b in answer.buckets}
    assert sorted(got) == sorted(expected), (query, answer.resolution, answer.raw_since)
    for key, (count, low, high, values) in expected.items():
        bucket = got[key]
        assert (bucket.count, bucket.min, bucket.max) == (count, low, high), (query, key)
        scale = math.fsum(abs(v) for v in values) / count
        assert abs(bucket.mean - math.fsum(values) / count) <= RELATIVE_SUM * max(scale, 1e-300), (query, key)
    return answer


_rows = st.tuples(st.integers(0, 2), st.integers(0, int(SPAN / timedelta(microseconds=1)) - 1),
                  st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), st.integers(1, 40))
_steps = st.lists(st.tuples(st.lists(_rows, min_size=1, max_size=30),
                            st.booleans(),  # resend an earlier batch too (a redelivery)
                            st.none() | st.integers(0, 200)), min_size=1, max_size=6)  # a turn, closing minutes


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_steps)
def test_every_aggregate_served_from_rollups_equals_the_raw_one_wherever_the_worker_stands(
    scratch: Container, steps: list[tuple[list[tuple[int, int, float, int]], bool, int | None]],
) -> None:
    lab = Lab(scratch)
    written: list[list[tuple[int, int, float, int]]] = []
    for batch, resend, closing in steps:
        lab.write(batch)
        if resend and written:
            lab.write(written[len(written) // 2])
        written.append(batch)
        if closing is not None:
            lab.roll(FIRST_MINUTE + closing)  # late measures land in minutes already rolled up
        for query in lab.queries():
            assert_equals_raw(lab, query)

    lab.roll(EVERYTHING_CLOSED)
    hours = assert_equals_raw(lab, lab.queries()[0])
    assert (hours.resolution, hours.raw_since) == (Resolution.HOUR, None)
    assert assert_equals_raw(lab, lab.queries()[3]).resolution is Resolution.MINUTE


def test_an_unaligned_query_is_answered_from_raw_rows(scratch: Container) -> None:
    lab = Lab(scratch)
    lab.write([(0, 1_500_000, 2.0, 1), (0, 61_000_000, 4.0, 2)])
    lab.roll(EVERYTHING_CLOSED)

    answer = assert_equals_raw(lab, AggregateQuery(lab.experiment_id, T0, T0 + SPAN, timedelta(seconds=90)))

    assert (answer.resolution, answer.raw_since) == (Resolution.RAW, T0)


def test_the_current_minute_is_read_raw_until_it_is_rolled_up(scratch: Container) -> None:
    lab = Lab(scratch)
    lab.write([(0, 0, 1.0, 1), (0, 3_600_000_000 + 5, 3.0, 2)])  # the second in the second hour
    lab.roll(FIRST_MINUTE + 60)  # only the first hour has ended

    answer = assert_equals_raw(lab, lab.queries()[0])

    assert (answer.resolution, answer.raw_since) == (Resolution.HOUR, T0 + timedelta(hours=1))


class _Announcing:
    """A database whose sessions set `sent` as they send a statement that starts with `prefix`."""

    def __init__(self, database: Database, prefix: str) -> None:
        self._database, self._prefix, self.sent = database, prefix, threading.Event()

    def run(self, work: Callable[[Any], Any], *, retry: bool = True) -> Any:
        return self._database.run(lambda connection: work(_AnnouncingSession(connection, self)), retry=retry)


class _AnnouncingSession:
    def __init__(self, session: Connection, database: _Announcing) -> None:
        self._session, self._database = session, database

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        if sql.startswith(self._database._prefix):
            self._database.sent.set()
        return self._session.execute(sql, params)


def test_a_batch_committed_while_a_turn_recomputes_its_minute_stays_marked_for_the_next_turn(
    scratch: Container,
) -> None:
    lab = Lab(scratch)
    lab.write([(0, 0, 1.0, 1)])
    series_id = lab.series[0]
    with scratch.database().connection() as consumer:  # a consumer's batch, in the same minute, not committed yet
        consumer.raw.start_transaction()
        consumer.execute("INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key, series_id)"
                         " VALUES (%s, %s, %s, 5.0, 2, %s)",
                         (lab.experiment_id, HERTZ, (T0 + timedelta(seconds=1)).replace(tzinfo=None), series_id))
        consumer.execute("INSERT INTO rollup_dirty (series_id, minute) VALUES (%s, %s)"
                         " ON DUPLICATE KEY UPDATE touches = touches + 1", (series_id, FIRST_MINUTE))
        database = _Announcing(scratch.database(), "DELETE FROM rollup_dirty")
        turn = threading.Thread(target=MySqlRollupStore(cast(Database, database)).roll, args=(EVERYTHING_CLOSED,))
        turn.start()  # it recomputes the minute without the batch, then waits for the batch's mark
        assert database.sent.wait(timeout=30)
        time.sleep(0.2)  # its DELETE reaches the mark's lock
        consumer.commit()
    turn.join(timeout=60)
    lab.stored[(unix_micros(T0) + 1_000_000, 2)] = (series_id, HERTZ, 5.0)

    assert assert_equals_raw(lab, lab.queries()[0]).raw_since == T0  # the minute is still marked
    lab.roll(EVERYTHING_CLOSED)
    assert assert_equals_raw(lab, lab.queries()[0]).raw_since is None


# --- killed mid-turn --------------------------------------------------------------------------


@contextlib.contextmanager
def _rollups_process(rollups_settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    environment = {**os.environ, "DB_DATABASE": rollups_settings.DB_DATABASE, "ROLLUP_INTERVAL": "0.05",
                   "ROLLUP_GRACE": "0"}
    process = subprocess.Popen([sys.executable, "-m", "mymonit.cli", "rollups"], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def _backlog(lab: Lab) -> int:
    return int(lab.container.database().run(lambda c: c.fetch_all(
        "SELECT COUNT(*) FROM rollup_backlog b JOIN series s USING (series_id) WHERE s.experiment_id = %s",
        (lab.experiment_id,)))[0][0])


def test_a_worker_killed_mid_turn_again_and_again_leaves_rollups_equal_to_the_raw_rows(
    scratch: Container, rollups_settings: Settings,
) -> None:
    lab = Lab(scratch)
    for first in range(0, 24 * 3600, 600):  # a day of 0.5 Hz in three series, written before the worker runs
        lab.write([(n % 3, (first + n) * 1_000_000 + n % 7, float(n % 101) - 50.0, 1) for n in range(600)])
    scratch.rollup_store().mark_all()  # and the same day as backlog, recomputed beside the marks
    day = AggregateQuery(lab.experiment_id, T0, T0 + timedelta(days=1), timedelta(hours=1), by_series=True)

    for kill in range(6):
        with _rollups_process(rollups_settings) as worker:
            time.sleep(0.3 + 0.15 * kill)
            os.killpg(worker.pid, signal.SIGKILL)  # anywhere in a turn
            worker.wait(timeout=10)
        assert_equals_raw(lab, day)
    with _rollups_process(rollups_settings) as worker:
        assert worker.stdout is not None
        assert b"rollups:worker:started" in worker.stdout.readline()  # its signal handlers are in place
        deadline = time.monotonic() + 60
        while (_backlog(lab) or lab.aggregate(day).raw_since) and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0

    answer = assert_equals_raw(lab, day)
    assert (answer.resolution, answer.raw_since) == (Resolution.HOUR, None)
    minutes = lab.container.database().run(lambda c: c.fetch_all(
        "SELECT COUNT(*), SUM(n) FROM rollup_minute r JOIN series s USING (series_id) WHERE s.experiment_id = %s",
        (lab.experiment_id,)))
    assert minutes == [(24 * 60 * 3, len(lab.stored))]  # every minute once, every measure once
