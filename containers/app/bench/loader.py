"""Filling the bench database: chunks generated in a thread while the previous one loads.

Two paths. `infile` (default): LOAD DATA LOCAL INFILE of a TSV per chunk, unique and foreign key
checks off for the session (the generator guarantees both). `writer`: the production write path,
`MySqlMeasureWriter.insert` in batches of 5,000. Each chunk commits together with its row in
`bench_chunks`, so a fill interrupted by a server restart resumes without gaps or duplicates.

Every row goes to its series, created first through the consumer's own `MySqlSeriesStore`. A fill
`without_series` writes the columns of schema version 3 (no `series_id`; infile only), for the
migration benchmark's table before migration 0004.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

import mysql.connector
from mysql.connector import errorcode
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the venv

from bench_settings import connect, wait_for_database
from dataset import Columns, Part, Wave, chunk_values, experiment_id, tsv_chunk
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key
from mymonit.domain.errors import Unavailable
from mymonit.storage.connection_errors import is_connection_error
from mymonit.storage.measure_writer import NewMeasure
from mymonit.storage.session import Connection

WRITER_BATCH = 5_000
_LOAD = (
    "LOAD DATA LOCAL INFILE %s INTO TABLE measures CHARACTER SET ascii"
    " FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'"
    " (experiment_id, type_id, ts, value, dedup_key{})"
)
_MARK = "INSERT INTO bench_chunks (experiment_id, chunk_no) VALUES (%s, %s)"
# Server refuses LOCAL INFILE (local_infile=OFF), or the client library was built without it.
_INFILE_REFUSED = {errorcode.ER_NOT_ALLOWED_COMMAND, 3948, 2068}


class InfileRefused(RuntimeError):
    """LOAD DATA LOCAL INFILE is not allowed here; the writer path still works."""


@dataclass(frozen=True, slots=True)
class Chunk:
    columns: Columns
    waves: tuple[Wave, ...]
    chunk_no: int
    span: range

    @property
    def rows(self) -> int:
        return len(self.span) * len(self.waves)


def pending_chunks(container: Container, part: Part, *, with_series: bool = True) -> list[Chunk]:
    connection = connect(container.settings())
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT experiment_id, chunk_no FROM bench_chunks")
        rows: list[Any] = cursor.fetchall()
        done = {(int(e), int(c)) for e, c in rows}
    finally:
        connection.close()
    chunks = []
    for name in part.experiments:
        columns = _columns(container, name, part.waves, with_series=with_series)
        chunks += [Chunk(columns, part.waves, chunk_no, part.chunk_span(chunk_no)) for chunk_no in range(part.chunks)
                   if (columns.experiment_id, chunk_no) not in done]
    return chunks


def _columns(container: Container, name: str, waves: tuple[Wave, ...], *, with_series: bool) -> Columns:
    """The experiment's ids, and its series' (created as the consumer creates them) `with_series`."""
    experiment = experiment_id(container, name)
    types = container.measure_type_service()
    type_ids = tuple(types.type_id(wave.measure) or 0 for wave in waves)
    if not with_series:
        return Columns(name, experiment, type_ids, None)
    limit = container.ingest_settings().MAX_SERIES_PER_EXPERIMENT
    wanted = [(type_id, wave.labels) for type_id, wave in zip(type_ids, waves, strict=True)]
    return Columns(name, experiment, type_ids, tuple(container.series_store().ensure(experiment, wanted, limit)))


def _produce(chunks: list[Chunk], make: Callable[[Chunk], object], out: queue.Queue[object]) -> None:
    """Runs in a thread: the driver releases the GIL while the server loads, so both cores work."""
    try:
        for chunk in chunks:
            out.put((chunk, make(chunk)))
        out.put(None)
    except Exception as error:  # noqa: BLE001  # a thread boundary: the consuming thread re-raises it
        out.put(error)


def _prefetched(chunks: list[Chunk], make: Callable[[Chunk], object]) -> Iterator[tuple[Chunk, object]]:
    """The chunks with their payloads, the next one made while the caller loads this one."""
    handoff: queue.Queue[object] = queue.Queue(maxsize=2)
    threading.Thread(target=_produce, args=(chunks, make, handoff), daemon=True).start()
    while (item := handoff.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield cast("tuple[Chunk, object]", item)


class InfileLoader:
    """One session with unique/foreign key checks off; reconnects when the server goes away."""

    def __init__(self, container: Container, folder: Path) -> None:
        self._settings = container.settings()
        self._folder = folder
        self._connection: Connection | None = None

    def make(self, chunk: Chunk) -> Path:
        path = self._folder / f"chunk-{chunk.columns.experiment_id}-{chunk.chunk_no}.tsv"
        path.write_text(tsv_chunk(chunk.columns, chunk.waves, chunk.chunk_no, chunk.span), encoding="ascii")
        return path

    def load(self, chunk: Chunk, path: object) -> None:
        assert isinstance(path, Path)
        for attempt in range(5):
            try:
                self._load_once(chunk, path)
                break
            except (mysql.connector.Error, OSError) as error:
                if isinstance(error, mysql.connector.Error) and error.errno in _INFILE_REFUSED:
                    raise InfileRefused(str(error)) from error
                if not is_connection_error(error) or attempt == 4:
                    raise
                tqdm.write(f"  (connection lost while loading: {error}; resuming)")
                self._connection = None
                wait_for_database(self._settings)
        path.unlink()

    def _load_once(self, chunk: Chunk, path: Path) -> None:
        connection = self._session()
        cursor = connection.cursor()
        cursor.execute("SELECT 1 FROM bench_chunks WHERE experiment_id = %s AND chunk_no = %s",
                       (chunk.columns.experiment_id, chunk.chunk_no))
        if cursor.fetchall():  # committed just before the connection was lost
            return
        cursor.execute(_LOAD.format("" if chunk.columns.series_ids is None else ", series_id"), (str(path),))
        cursor.execute(_MARK, (chunk.columns.experiment_id, chunk.chunk_no))
        connection.commit()

    def _session(self) -> Connection:
        if self._connection is None:
            self._connection = connect(self._settings, allow_local_infile=True,
                                       allow_local_infile_in_path=str(self._folder))
            cursor = self._connection.cursor()
            cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


class WriterLoader:
    """The production path: `MySqlMeasureWriter`, whose dedup key makes a replayed batch a no-op."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def make(self, chunk: Chunk) -> list[NewMeasure]:
        columns = chunk.columns
        if columns.series_ids is None:
            raise ValueError("the writer path stores series ids: it needs schema version 4 or later")
        rows = []
        for moment, values in chunk_values(columns.experiment, chunk.chunk_no, chunk.span, chunk.waves):
            for wave, type_id, series_id, value in zip(chunk.waves, columns.type_ids, columns.series_ids, values,
                                                       strict=True):
                key = dedup_key(columns.experiment, wave.measure, moment, value, labels=wave.labels)
                rows.append(NewMeasure.at(columns.experiment_id, type_id, moment, value, key, series_id))
        return rows

    def load(self, chunk: Chunk, rows: object) -> None:
        assert isinstance(rows, list)
        writer = self._container.measure_writer()
        for start in range(0, len(rows), WRITER_BATCH):
            batch: list[NewMeasure] = rows[start:start + WRITER_BATCH]
            _retrying(self._container, partial(writer.insert, batch))
        database = self._container.database()
        _retrying(self._container, partial(database.run, partial(_mark, chunk=chunk)))

    def close(self) -> None:
        """Nothing of its own to close: it writes through the container's pool."""


def _mark(connection: Connection, chunk: Chunk) -> None:
    cursor = connection.cursor()
    cursor.execute("INSERT IGNORE INTO bench_chunks (experiment_id, chunk_no) VALUES (%s, %s)",
                   (chunk.columns.experiment_id, chunk.chunk_no))
    connection.commit()


def _retrying(container: Container, work: Callable[[], object]) -> None:
    for attempt in range(5):
        try:
            work()
            return
        except Unavailable:
            if attempt == 4:
                raise
            wait_for_database(container.settings())


def fill(container: Container, part: Part, method: str, *, with_series: bool = True) -> tuple[int, float]:
    """Load every pending chunk of `part`; returns the rows loaded now and the seconds it took.

    Raises `InfileRefused` (on the first chunk) when the server does not allow LOCAL INFILE.
    """
    chunks = pending_chunks(container, part, with_series=with_series)
    remaining = sum(c.rows for c in chunks)
    with tempfile.TemporaryDirectory(prefix="mymonit-bench-") as folder:
        loader: InfileLoader | WriterLoader = (
            InfileLoader(container, Path(folder)) if method == "infile" else WriterLoader(container)
        )
        started = time.perf_counter()
        bar = tqdm(total=part.rows, initial=part.rows - remaining, unit="rows", unit_scale=True, smoothing=0.1,
                   desc=f"fill ({method})", dynamic_ncols=True)
        try:
            for chunk, payload in _prefetched(chunks, loader.make):
                loader.load(chunk, payload)
                bar.update(chunk.rows)
        finally:
            bar.close()
            loader.close()
        return remaining, time.perf_counter() - started
