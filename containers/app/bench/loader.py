"""Filling the bench database: chunks generated in a thread while the previous one loads.

Two paths. `infile` (default): LOAD DATA LOCAL INFILE of a TSV per chunk, unique and foreign key
checks off for the session (the generator guarantees both). `writer`: the production write path,
`MySqlMeasureWriter.insert` in batches of 5,000. Each chunk commits together with its row in
`bench_chunks`, so a fill interrupted by a server restart resumes without gaps or duplicates.
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
from tqdm import tqdm

from bench_settings import connect, wait_for_database
from dataset import EXPERIMENTS, SERIES, Layout, chunk_values, tsv_chunk
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
    " (experiment_id, type_id, ts, value, dedup_key)"
)
_MARK = "INSERT INTO bench_chunks (experiment_id, chunk_no) VALUES (%s, %s)"
# Server refuses LOCAL INFILE (local_infile=OFF), or the client library was built without it.
_INFILE_REFUSED = {errorcode.ER_NOT_ALLOWED_COMMAND, 3948, 2068}


class InfileRefused(RuntimeError):
    """LOAD DATA LOCAL INFILE is not allowed here; the writer path still works."""


@dataclass(frozen=True, slots=True)
class Chunk:
    experiment: str
    experiment_id: int
    chunk_no: int
    span: range

    @property
    def rows(self) -> int:
        return len(self.span) * len(SERIES)


def pending_chunks(container: Container, layout: Layout) -> list[Chunk]:
    connection = connect(container.settings())
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT experiment_id, chunk_no FROM bench_chunks")
        rows: list[Any] = cursor.fetchall()
        done = {(int(e), int(c)) for e, c in rows}
    finally:
        connection.close()
    ids = {name: _experiment_id(container, name) for name in EXPERIMENTS}
    return [
        Chunk(name, ids[name], chunk_no, layout.chunk_span(chunk_no))
        for name in EXPERIMENTS for chunk_no in range(layout.chunks)
        if (ids[name], chunk_no) not in done
    ]


def _experiment_id(container: Container, name: str) -> int:
    experiment = container.experiment_repository().by_name(name)
    if experiment is None:
        raise RuntimeError(f"experiment {name} is missing from the bench database")
    return experiment.experiment_id


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

    def __init__(self, container: Container, type_ids: list[int], folder: Path) -> None:
        self._settings = container.settings()
        self._type_ids = type_ids
        self._folder = folder
        self._connection: Connection | None = None

    def make(self, chunk: Chunk) -> Path:
        path = self._folder / f"chunk-{chunk.experiment_id}-{chunk.chunk_no}.tsv"
        path.write_text(tsv_chunk(chunk.experiment, chunk.experiment_id, self._type_ids, chunk.chunk_no, chunk.span),
                        encoding="ascii")
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
                       (chunk.experiment_id, chunk.chunk_no))
        if cursor.fetchall():  # committed just before the connection was lost
            return
        cursor.execute(_LOAD, (str(path),))
        cursor.execute(_MARK, (chunk.experiment_id, chunk.chunk_no))
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

    def __init__(self, container: Container, type_ids: list[int]) -> None:
        self._container = container
        self._type_ids = type_ids

    def make(self, chunk: Chunk) -> list[NewMeasure]:
        rows = []
        for moment, values in chunk_values(chunk.experiment, chunk.chunk_no, chunk.span):
            for (name, *_), type_id, value in zip(SERIES, self._type_ids, values, strict=True):
                rows.append(NewMeasure.at(chunk.experiment_id, type_id, moment, value,
                                       dedup_key(chunk.experiment, name, moment, value)))
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
                   (chunk.experiment_id, chunk.chunk_no))
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


def fill(container: Container, layout: Layout, method: str) -> tuple[int, float]:
    """Load every pending chunk; returns the rows loaded now and the seconds it took.

    Raises `InfileRefused` (on the first chunk) when the server does not allow LOCAL INFILE.
    """
    type_ids = [container.measure_type_service().type_id(name) or 0 for name, *_ in SERIES]
    chunks = pending_chunks(container, layout)
    total = len(EXPERIMENTS) * layout.rows_per_experiment
    remaining = sum(c.rows for c in chunks)
    with tempfile.TemporaryDirectory(prefix="mymonit-bench-") as folder:
        loader: InfileLoader | WriterLoader = (
            InfileLoader(container, type_ids, Path(folder)) if method == "infile" else WriterLoader(container, type_ids)
        )
        started = time.perf_counter()
        bar = tqdm(total=total, initial=total - remaining, unit="rows", unit_scale=True, smoothing=0.1,
                   desc=f"fill ({method})", dynamic_ncols=True)
        try:
            for chunk, payload in _prefetched(chunks, loader.make):
                loader.load(chunk, payload)
                bar.update(chunk.rows)
        finally:
            bar.close()
            loader.close()
        return remaining, time.perf_counter() - started
