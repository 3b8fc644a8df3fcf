"""The read benchmark's sensor part: one experiment of 100 sensors, and a 1000-row page of one of them.

The part (`dataset.SENSORS`: 100 series of one measure type, 1 million rows, interleaved second
by second in the experiment's range) is loaded beside the main data set by the same LOAD DATA
fill, chunk by chunk, so an interrupted fill resumes and a complete one is reused: the main
10 million rows are never reloaded for it. The page is read by the API as `?sensor=`, and bare as
the SQL the service runs for it, which must read that series' rows only (its own index range).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from dataset import SECOND, SENSOR_EXPERIMENT, SENSOR_WAVES, SENSORS, T0, analyze, count_rows, experiment_id
from loader import fill
from mymonit.api.responses import iso
from mymonit.container import Container
from mymonit.domain.queries import MeasureQuery, Order, TimeRange
from mymonit.domain.series import Labels
from mymonit.storage.measure_sql import page_sql
from probes import PAGE, Paths

QUERY = "page ?sensor= (1 of 100)"
INDEX = "ix_measures_series_ts"
SENSOR = SENSOR_WAVES[len(SENSOR_WAVES) // 2].sensor or ""


def ensure_sensors(container: Container) -> None:
    """The sensor part: reused when complete, else its missing chunks loaded."""
    settings = container.settings()
    found = count_rows(settings, [experiment_id(container, SENSOR_EXPERIMENT)])
    if found == SENSORS.rows:
        print(f"reusing the sensor part: {found:,} rows of {len(SENSOR_WAVES)} sensors in {SENSOR_EXPERIMENT}")
        return
    print(f"filling the sensor part ({SENSORS.rows:,} rows, {len(SENSOR_WAVES)} sensors; {found:,} there)")
    loaded, seconds = fill(container, SENSORS, "infile")
    started = time.perf_counter()
    analyze(settings)
    print(f"sensor part: {loaded:,} rows in {seconds:.1f} s = {loaded / max(seconds, 1e-9):,.0f} rows/s;"
          f" ANALYZE TABLE measures {time.perf_counter() - started:.1f} s")
    if (now := count_rows(settings, [experiment_id(container, SENSOR_EXPERIMENT)])) != SENSORS.rows:
        raise SystemExit(f"the sensor part holds {now:,} rows, not {SENSORS.rows:,}")


@dataclass(frozen=True)
class SensorPage:
    """The page of `SENSOR` from the middle of its series."""

    experiment_id: int
    series_id: int
    middle: datetime

    @classmethod
    def of(cls, container: Container) -> SensorPage:
        experiment = experiment_id(container, SENSOR_EXPERIMENT)
        hertz = container.measure_type_service().type_id("hertz")
        assert hertz is not None
        limit = container.ingest_settings().MAX_SERIES_PER_EXPERIMENT
        (series_id,) = container.series_store().ensure(experiment, [(hertz, Labels(SENSOR))], limit)
        return cls(experiment, series_id, T0 + SECOND * (SENSORS.seconds // 2))

    def url(self) -> str:
        params = {"from": iso(self.middle), "limit": PAGE, "sensor": SENSOR}
        return f"/measures/{self.experiment_id}?" + urlencode(params)

    def query(self) -> MeasureQuery:
        """What `MeasureService` asks its reader for `url()`: the sensor's one series."""
        return MeasureQuery(self.experiment_id, TimeRange(self.middle, None), None, PAGE, Order.ASC,
                            series_ids=(self.series_id,))


def with_sensor_page(paths: Paths, page: SensorPage) -> Paths:
    """`paths` and the sensor page: its URL, its bare SQL and the rows that SQL returns."""
    sql = page_sql(page.query(), (page.series_id,))
    return replace(paths, urls={**paths.urls, QUERY: page.url()}, sql={**paths.sql, QUERY: sql},
                   expect_rows={**paths.expect_rows, QUERY: PAGE + 1})
