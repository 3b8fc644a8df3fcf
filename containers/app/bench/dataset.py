"""The benchmark's data set: its layout, the bench database and the markers that make it reusable.

Two parts, each one measure per series per second from T0, every series equally long, so the row
count fixes everything. The main part (`Layout`): `EXPERIMENTS`, each with the default series of
two measure types (`TYPES`). The sensor part (`SENSORS`): one experiment with 100 sensors of one
measure type, 1 million rows. Values are deterministic (seeded per chunk), so an interrupted fill
resumes where its last committed chunk ended and the dedup keys never change.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

import mysql.connector
from mysql.connector import errorcode

from bench_settings import BENCH_DATABASE, connect, ensure_database, one_row
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key
from mymonit.domain.series import Labels

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
EXPERIMENTS = tuple(f"bench-{n}" for n in range(1, 6))
CHUNK_ROWS = 100_000  # one LOAD DATA statement and one commit per chunk


class Wave(NamedTuple):
    """One series of the data set: a noisy sine of a measure type, of a sensor or of none."""

    measure: str
    mean: float
    amplitude: float
    period: int  # seconds
    noise: float
    sensor: str | None = None

    @property
    def labels(self) -> Labels:
        return Labels(self.sensor)


# A mains frequency and a slowly drifting temperature: the default series of two measure types.
TYPES: Final = (Wave("hertz", 50.0, 0.05, 600, 0.01), Wave("kelvin", 293.15, 2.0, 86_400, 0.05))
SENSOR_EXPERIMENT = "bench-sensors"
SENSOR_WAVES: Final = tuple(Wave("hertz", 50.0, 0.05, 600, 0.01, f"s-{n:03d}") for n in range(100))

_MARKERS = (
    "CREATE TABLE IF NOT EXISTS bench_dataset ("
    " id TINYINT UNSIGNED NOT NULL PRIMARY KEY, layout VARCHAR(255) NOT NULL,"
    " complete BOOLEAN NOT NULL DEFAULT FALSE, fill_seconds DOUBLE NOT NULL DEFAULT 0,"
    " filled_at DATETIME(6) NULL) ENGINE=InnoDB",
    "CREATE TABLE IF NOT EXISTS bench_chunks ("
    " experiment_id INT UNSIGNED NOT NULL, chunk_no INT UNSIGNED NOT NULL,"
    " PRIMARY KEY (experiment_id, chunk_no)) ENGINE=InnoDB",
)


@dataclass(frozen=True, slots=True)
class Part:
    """Experiments that hold the same series (`waves`), each `seconds` long."""

    experiments: tuple[str, ...]
    waves: tuple[Wave, ...]
    seconds: int

    @property
    def rows(self) -> int:
        return len(self.experiments) * len(self.waves) * self.seconds

    @property
    def chunk_seconds(self) -> int:
        return max(1, CHUNK_ROWS // len(self.waves))

    @property
    def chunks(self) -> int:
        return math.ceil(self.seconds / self.chunk_seconds)

    def chunk_span(self, chunk_no: int) -> range:
        return range(chunk_no * self.chunk_seconds, min(self.seconds, (chunk_no + 1) * self.chunk_seconds))


SENSORS: Final = Part((SENSOR_EXPERIMENT,), SENSOR_WAVES, 10_000)


@dataclass(frozen=True, slots=True)
class Layout:
    """The main part, sized by its row count."""

    rows: int

    @property
    def seconds(self) -> int:
        """Length of every series, in seconds (= measures per series)."""
        return self.rows // (len(EXPERIMENTS) * len(TYPES))

    @property
    def rows_per_experiment(self) -> int:
        return self.seconds * len(TYPES)

    @property
    def part(self) -> Part:
        return Part(EXPERIMENTS, TYPES, self.seconds)

    def moment(self, second: int) -> datetime:
        return T0 + SECOND * second

    def signature(self) -> str:
        types = ",".join(wave.measure for wave in TYPES)
        return f"v1 rows={self.rows} experiments={len(EXPERIMENTS)} types={types} t0={T0.isoformat()} step=1s"


def chunk_values(experiment: str, chunk_no: int, span: range,
                 waves: tuple[Wave, ...]) -> list[tuple[datetime, list[float]]]:
    """(moment, one value per wave) for each second of the chunk; the same on every run."""
    noise = random.Random(f"{experiment}:{chunk_no}")  # a str seed is hashed with SHA-512: stable
    out = []
    for second in span:
        values = [
            round(w.mean + w.amplitude * math.sin(2 * math.pi * second / w.period) + noise.gauss(0, w.noise), 4)
            for w in waves
        ]
        out.append((T0 + SECOND * second, values))
    return out


@dataclass(frozen=True, slots=True)
class Columns:
    """What one experiment's rows hold besides their values: one type id (and series id) per wave.

    `series_ids` None: the table is at schema version 3, without `series_id`.
    """

    experiment: str
    experiment_id: int
    type_ids: tuple[int, ...]
    series_ids: tuple[int, ...] | None


def tsv_chunk(columns: Columns, waves: tuple[Wave, ...], chunk_no: int, span: range) -> str:
    """The chunk as LOAD DATA input: experiment_id, type_id, ts, value, dedup key[, series_id]."""
    lines = []
    series_ids = columns.series_ids or (None,) * len(waves)
    for moment, values in chunk_values(columns.experiment, chunk_no, span, waves):
        ts = moment.replace(tzinfo=None).isoformat(" ")
        for wave, type_id, series_id, value in zip(waves, columns.type_ids, series_ids, values, strict=True):
            key = dedup_key(columns.experiment, wave.measure, moment, value, labels=wave.labels)
            tail = "\n" if series_id is None else f"\t{series_id}\n"
            lines.append(f"{columns.experiment_id}\t{type_id}\t{ts}\t{value!r}\t{key}{tail}")
    return "".join(lines)


def prepare_schema(container: Container, layout: Layout, up_to: int | None = None) -> None:
    """Project schema through the project's Migrator (up to version `up_to` if given), then the
    bench markers and the main experiments."""
    container.migrator().upgrade(up_to)
    _create_markers(container, "INSERT IGNORE INTO bench_dataset (id, layout) VALUES (1, %s)", (layout.signature(),))
    for name in EXPERIMENTS:
        experiment_id(container, name)


def ensure_schema(container: Container) -> None:
    """The bench database (created if missing) at the project's schema, with the markers of a fill:
    for a part loaded beside the main data set, whatever that holds."""
    ensure_database(container.settings(), BENCH_DATABASE)
    upgrade_schema(container)
    _create_markers(container)


def _create_markers(container: Container, *then: Any) -> None:
    """The marker tables; then one more statement (SQL, params) if given, in the same commit."""
    connection = connect(container.settings())
    try:
        cursor = connection.cursor()
        for statement in _MARKERS:
            cursor.execute(statement)
        if then:
            cursor.execute(*then)
        connection.commit()
    finally:
        connection.close()


def experiment_id(container: Container, name: str) -> int:
    """The id of experiment `name`, created if missing."""
    repository = container.experiment_repository()
    experiment = repository.by_name(name) or repository.add(name)
    return experiment.experiment_id


def upgrade_schema(container: Container) -> None:
    """Apply the migrations a reused bench database lacks (0004's backfill takes minutes on 10M rows)."""
    started = time.perf_counter()
    applied = container.migrator().upgrade()
    if applied:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied)
        print(f"  upgraded the schema: {names} in {time.perf_counter() - started:.1f} s")


@dataclass(frozen=True, slots=True)
class DatasetState:
    layout_matches: bool
    complete: bool
    fill_seconds: float = 0.0
    filled_at: datetime | None = None


def dataset_state(settings: Settings, layout: Layout) -> DatasetState:
    """What the bench database holds now; a missing database or marker counts as a mismatch."""
    try:
        connection = connect(settings)
    except mysql.connector.Error as error:
        if error.errno == errorcode.ER_BAD_DB_ERROR:
            return DatasetState(layout_matches=False, complete=False)
        raise
    try:
        row = one_row(connection, "SELECT layout, complete, fill_seconds, filled_at FROM bench_dataset WHERE id = 1")
    except mysql.connector.Error as error:
        if error.errno == errorcode.ER_NO_SUCH_TABLE:
            return DatasetState(layout_matches=False, complete=False)
        raise
    finally:
        connection.close()
    if row is None or row[0] != layout.signature():
        return DatasetState(layout_matches=False, complete=False)
    return DatasetState(True, bool(row[1]), float(row[2]), row[3])


def count_rows(settings: Settings, experiment_ids: list[int]) -> int:
    """The measures of these experiments (the table also holds other parts and what benchmarks ingested)."""
    marks = ",".join(["%s"] * len(experiment_ids))
    connection = connect(settings)
    try:
        return int(one_row(connection, f"SELECT COUNT(*) FROM measures WHERE experiment_id IN ({marks})",  # noqa: S608
                           tuple(experiment_ids))[0])
    finally:
        connection.close()


def mark_complete(settings: Settings, fill_seconds: float) -> None:
    connection = connect(settings)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "UPDATE bench_dataset SET complete = TRUE, fill_seconds = fill_seconds + %s,"
            " filled_at = UTC_TIMESTAMP(6) WHERE id = 1",
            (fill_seconds,),
        )
        connection.commit()
    finally:
        connection.close()


def analyze(settings: Settings) -> None:
    connection = connect(settings)
    try:
        cursor = connection.cursor()
        cursor.execute("ANALYZE TABLE measures")
        cursor.fetchall()
    finally:
        connection.close()
