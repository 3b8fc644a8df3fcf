"""`mymonit ship-audit`: one shipper per host (or pod) drains every process's spool into a sink.

Each pass visits every spool file of the directory and sends its oldest rows as one batch (at
most `BATCH_ROWS` rows and about `BATCH_BYTES`); rows are deleted only after the sink has
acknowledged them, so a shipper killed mid-batch sends that batch again (delivery is at least
once; the Logstash pipeline stores each `log_id` once). A file whose lock no process holds
belongs to a process that has ended: the shipper takes its lock at once, drains it and removes
it. Only one shipper serves a directory at a time (`shipper.lock`).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mymonit.audit import spool_file
from mymonit.audit.sinks import Sink, SinkUnavailable

BATCH_ROWS: Final = 500
BATCH_BYTES: Final = 1_000_000
IDLE_SECONDS: Final = 0.2  # between two passes that found nothing to send
BACKOFF_SECONDS: Final = (0.1, 30.0)  # first and longest wait after the sink failed
REPORT_SECONDS: Final = 60.0  # between two reports of the same sink failure
FINAL_DRAIN_SECONDS: Final = 5.0  # passes made after a stop, while they still ship something
SHIPPER_LOCK: Final = "shipper.lock"

_log = logging.getLogger(__name__)


@dataclass
class _Spool:
    """A spool file the shipper has open; `lock_fd` once its writer has ended and the file is ours."""

    path: Path
    connection: sqlite3.Connection
    lock_fd: int | None = None


@dataclass
class ShipperStats:
    shipped: int = 0
    removed: int = 0
    failures: int = 0


class Shipper:
    """Ships the spool files of `directory` to `sink`; `ship_pass` is one round, `run` loops.

    Asked to stop, `run` makes a last few passes (at most `FINAL_DRAIN_SECONDS`) so that what the
    other processes wrote as they stopped goes too; whatever is left waits for the next shipper.
    """

    def __init__(self, directory: Path, sink: Sink, *, batch_rows: int = BATCH_ROWS,
                 batch_bytes: int = BATCH_BYTES, jitter: Callable[[], float] = random.random) -> None:
        self._directory = directory
        self._sink = sink
        self._batch_rows = batch_rows
        self._batch_bytes = batch_bytes
        self._jitter = jitter
        self._open: dict[Path, _Spool] = {}
        self._reported = 0.0
        self.stats = ShipperStats()

    def ship_pass(self) -> int:
        """Send one batch from every spool file that has rows; the number of rows acknowledged.

        Raises SinkUnavailable when the sink refused a batch (nothing is deleted for it).
        """
        shipped = 0
        for path in sorted(self._directory.glob(f"*{spool_file.SPOOL_SUFFIX}")):
            spool = self._opened(path)
            if spool is not None:
                shipped += self._ship_batch(spool)
        self._forget_vanished()
        return shipped

    def run(self, stop: threading.Event) -> None:
        """Ship until `stop` is set, backing off while the sink fails; then close everything."""
        with _serving(self._directory, stop) as serving:
            if not serving:
                return
            _log.info("shipping the audit spool in %s", self._directory)
            failures = 0
            while not stop.is_set():
                try:
                    shipped = self.ship_pass()
                except SinkUnavailable as error:
                    failures += 1
                    self.stats.failures += 1
                    self._report(error, failures)
                    stop.wait(self._backoff(failures))
                    continue
                if failures:
                    _log.info("the audit sink is back after %d failed attempts", failures)
                failures = 0
                if not shipped:
                    stop.wait(IDLE_SECONDS)
            self._last_passes(time.monotonic() + FINAL_DRAIN_SECONDS)
        self.close()

    def _last_passes(self, deadline: float) -> None:
        """On stop: what the service's processes wrote as they stopped, while the sink takes it."""
        try:
            while time.monotonic() < deadline and self.ship_pass():
                pass
        except SinkUnavailable as error:
            _log.warning("stopping with records left in the audit spool (shipped at the next start): %s", error)

    def close(self) -> None:
        for spool in list(self._open.values()):
            self._drop(spool)
        self._sink.close()

    def _opened(self, path: Path) -> _Spool | None:
        spool = self._open.get(path)
        if spool is None:
            try:
                spool = _Spool(path, spool_file.connect(path, create=False))
            except sqlite3.Error:
                return None  # removed meanwhile, or not created yet: seen again on the next pass
            self._open[path] = spool
        if spool.lock_fd is None:
            spool.lock_fd = spool_file.hold_lock(spool_file.lock_path(path))  # None: its writer lives
        return spool

    def _ship_batch(self, spool: _Spool) -> int:
        try:
            rows = self._batch(spool.connection)
        except sqlite3.DatabaseError as error:
            _log.error("cannot read the audit spool %s: %s", spool.path.name, error)
            return 0
        if not rows:
            if spool.lock_fd is not None:  # drained, and its writer has ended
                self._remove(spool)
            return 0
        self._sink.send([row.body for row in rows])
        spool_file.delete_through(spool.connection, rows[-1].seq)
        self.stats.shipped += len(rows)
        return len(rows)

    def _batch(self, connection: sqlite3.Connection) -> list[spool_file.Row]:
        rows = spool_file.oldest(connection, self._batch_rows)
        size = 0
        for end, row in enumerate(rows):
            size += len(row.body)
            if size > self._batch_bytes and end:
                return rows[:end]
        return rows

    def _remove(self, spool: _Spool) -> None:
        spool.connection.close()
        spool_file.remove(spool.path)
        self._drop(spool)
        self.stats.removed += 1

    def _drop(self, spool: _Spool) -> None:
        with contextlib.suppress(sqlite3.Error):
            spool.connection.close()
        if spool.lock_fd is not None:
            os.close(spool.lock_fd)
            spool.lock_fd = None
        self._open.pop(spool.path, None)

    def _forget_vanished(self) -> None:
        for spool in [s for s in self._open.values() if not s.path.exists()]:
            self._drop(spool)

    def _backoff(self, failures: int) -> float:
        first, longest = BACKOFF_SECONDS
        return float(min(longest, first * 2 ** min(failures - 1, 20)) * (0.5 + self._jitter() / 2))

    def _report(self, error: SinkUnavailable, failures: int) -> None:
        now = time.monotonic()
        if failures == 1 or now - self._reported >= REPORT_SECONDS:
            self._reported = now
            _log.warning("cannot ship the audit spool (attempt %d; kept for the next): %s", failures, error)


@contextlib.contextmanager
def _serving(directory: Path, stop: threading.Event) -> Iterator[bool]:
    """Hold the directory's shipper lock for the block; yields False if `stop` came first."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(directory / SHIPPER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    _log.warning("another shipper serves %s; waiting for it to stop", directory)
                    waited = True
                if stop.wait(1.0):
                    yield False
                    return
        yield True
    finally:
        os.close(fd)

