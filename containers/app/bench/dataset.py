"""The benchmark's data set: its layout, the bench database and the markers that make it reusable.

Layout: every experiment has one measure per type per second from T0, all series equally long, so
the row count fixes everything. Values are deterministic (seeded per chunk), so an interrupted fill
resumes where its last committed chunk ended and the dedup keys never change.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import mysql.connector
from mysql.connector import errorcode

from bench_settings import connect, one_row
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
EXPERIMENTS = tuple(f"bench-{n}" for n in range(1, 6))
# (name, mean, amplitude, period in s, noise): a mains frequency and a slowly drifting temperature.
SERIES = (("hertz", 50.0, 0.05, 600, 0.01), ("kelvin", 293.15, 2.0, 86_400, 0.05))
CHUNK_SECONDS = 50_000  # one LOAD DATA statement and one commit per chunk (100k rows)

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
class Layout:
    rows: int

    @property
    def seconds(self) -> int:
        """Length of every series, in seconds (= measures per series)."""
        return self.rows // (len(EXPERIMENTS) * len(SERIES))

    @property
    def rows_per_experiment(self) -> int:
        return self.seconds * len(SERIES)

    @property
    def chunks(self) -> int:
        return math.ceil(self.seconds / CHUNK_SECONDS)

    def chunk_span(self, chunk_no: int) -> range:
        return range(chunk_no * CHUNK_SECONDS, min(self.seconds, (chunk_no + 1) * CHUNK_SECONDS))

    def moment(self, second: int) -> datetime:
        return T0 + SECOND * second

    def signature(self) -> str:
        types = ",".join(s[0] for s in SERIES)
        return f"v1 rows={self.rows} experiments={len(EXPERIMENTS)} types={types} t0={T0.isoformat()} step=1s"


def chunk_values(experiment: str, chunk_no: int, span: range) -> list[tuple[datetime, list[float]]]:
    """(moment, one value per series) for each second of the chunk; the same on every run."""
    noise = random.Random(f"{experiment}:{chunk_no}")  # a str seed is hashed with SHA-512: stable
    out = []
    for second in span:
        values = [
            round(mean + amplitude * math.sin(2 * math.pi * second / period) + noise.gauss(0, sigma), 4)
            for _, mean, amplitude, period, sigma in SERIES
        ]
        out.append((T0 + SECOND * second, values))
    return out


def tsv_chunk(experiment: str, experiment_id: int, type_ids: list[int], chunk_no: int, span: range) -> str:
    """The chunk as LOAD DATA input: experiment_id, type_id, ts, value, dedup key."""
    lines = []
    names = [s[0] for s in SERIES]
    for moment, values in chunk_values(experiment, chunk_no, span):
        ts = moment.replace(tzinfo=None).isoformat(" ")
        for name, type_id, value in zip(names, type_ids, values, strict=True):
            key = dedup_key(experiment, name, moment, value)
            lines.append(f"{experiment_id}\t{type_id}\t{ts}\t{value!r}\t{key}\n")
    return "".join(lines)


def prepare_schema(container: Container, layout: Layout) -> None:
    """Project schema through the project's Migrator, then the bench markers and experiments."""
    container.migrator().upgrade()
    connection = connect(container.settings())
    try:
        cursor = connection.cursor()
        for statement in _MARKERS:
            cursor.execute(statement)
        cursor.execute("INSERT IGNORE INTO bench_dataset (id, layout) VALUES (1, %s)", (layout.signature(),))
        connection.commit()
    finally:
        connection.close()
    repository = container.experiment_repository()
    for name in EXPERIMENTS:
        if repository.by_name(name) is None:
            repository.add(name)


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


def count_rows(settings: Settings) -> int:
    connection = connect(settings)
    try:
        return int(one_row(connection, "SELECT COUNT(*) FROM measures")[0])
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
