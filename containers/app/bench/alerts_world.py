"""The alert benchmark's world: a database of its own with one experiment of `series` sensors and
one rule per sensor, and a trickle of measures that keeps every window populated."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench_settings import recreate_database
from dataset import EXPERIMENTS
from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.series import Labels
from mymonit.storage.measure_writer import NewMeasure

DATABASE = "my_monit_bench_alerts"
EXPERIMENT = "alerts-bench"
MEASURE = "hertz"
STATISTICS = ("last", "mean", "max", "min")
THRESHOLD = 1_000.0  # the trickle stays near 100; a crossing sends 5,000
CROSSING = 100_000.0  # moves the mean of a window of ~100s above the threshold too
WINDOW = 60
CHUNK = 1_000
_RULE = ("INSERT INTO alert_rules (experiment_id, type_id, name, sensor, tags, statistic, comparison, threshold,"
         " clear_threshold, window_seconds, for_seconds, no_data_seconds, severity, webhook_url, created_by) VALUES ")


def sensor(index: int) -> str:
    return f"s{index:05d}"


def crossable(index: int) -> bool:
    """One high measure lifts the `mean` and the `max` of its window for as long as it is in it (a
    `min` never sees it, and the trickle's next measure takes the `last` back down)."""
    return STATISTICS[index % len(STATISTICS)] in {"mean", "max"}


class AlertWorld:
    def __init__(self, settings: Settings, series: int) -> None:
        self.settings = settings.model_copy(update={"DB_DATABASE": DATABASE})
        recreate_database(self.settings, DATABASE)
        self.container = Container(settings=self.settings, audit_trail=AuditTrail())
        self.container.migrator().upgrade()
        self.experiment = self.container.experiment_repository().add(EXPERIMENT)
        self.container.experiment_repository().add(EXPERIMENTS[1])  # where the ingest load goes
        self.type_id = self.container.measure_type_service().names_to_ids()[MEASURE]
        self.series_ids = self._series(series)

    def _series(self, count: int) -> list[int]:
        store, ids = self.container.series_store(), []
        for start in range(0, count, CHUNK):
            wanted = [(self.type_id, Labels(sensor(i))) for i in range(start, min(count, start + CHUNK))]
            ids += store.ensure(self.experiment.experiment_id, wanted, limit=count)
        return ids

    def add_rules(self, webhook_url: str) -> None:
        """One rule per sensor, the statistics in turn, all notifying `webhook_url`."""
        rows = [(self.experiment.experiment_id, self.type_id, f"rule-{sensor(i)}", sensor(i), "{}",
                 STATISTICS[i % len(STATISTICS)], "above", THRESHOLD, THRESHOLD, WINDOW, 0, 300, "warning",
                 webhook_url, "A-BENCH") for i in range(len(self.series_ids))]
        for start in range(0, len(rows), CHUNK):
            part = rows[start:start + CHUNK]
            values = ",".join(["(" + ",".join(["%s"] * len(part[0])) + ")"] * len(part))
            params = tuple(v for row in part for v in row)
            self._write(_RULE + values, params)

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        self.container.database().run(lambda c: c.execute(sql, params))

    def measures(self, moment: datetime, value: float = 100.0, *, share: tuple[int, int] = (0, 1)) -> None:
        """One measure at `moment` of every series, or of the `share` (k, n): every n-th from the k-th."""
        key = int(moment.timestamp() * 1e6)
        chosen = list(enumerate(self.series_ids))[share[0]::share[1]]
        rows = [NewMeasure.at(self.experiment.experiment_id, self.type_id, moment, value + random.uniform(-5, 5),
                              key + i, sid) for i, sid in chosen]
        writer = self.container.measure_writer()
        for start in range(0, len(rows), CHUNK * 5):
            writer.insert(rows[start:start + CHUNK * 5])

    def fill(self, seconds: int, every: int) -> None:
        now = datetime.now(UTC)
        for ago in range(seconds, 0, -every):
            self.measures(now - timedelta(seconds=ago))


class Trickle:
    """Every series gets a measure every `every` seconds (10,000 sensors at 0.1 Hz: 1,000 measures/s),
    a tenth of them each tenth of `every`, as unsynchronised sensors send."""

    def __init__(self, world: AlertWorld, every: float) -> None:
        self._world = world
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Trickle:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        tick = 0
        while not self._stop.wait(self._every / 10):
            self._world.measures(datetime.now(UTC), share=(tick % 10, 10))
            tick += 1


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
