"""`mymonit ship-audit`: one shipper per host (or pod) drains every lane of the spool into a sink.

Each pass visits every lane of the directory and sends the next complete lines after its shipped
position as one batch (at most `batch_rows` lines and about `BATCH_BYTES`); the position moves on
(`NAME.shipped`) only once the sink has acknowledged them, so a shipper killed mid-batch sends
that batch again (delivery is at least once; the Logstash pipeline stores each `log_id` once).
A segment the writer has moved on from is deleted once shipped. A lane whose lock no process
holds belongs to a process that has ended: the shipper takes its lock at once, drains it and
removes it. Only one shipper serves a directory at a time (`shipper.lock`).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mymonit.audit import spool_file
from mymonit.audit.sinks import Sink, SinkUnavailable
from mymonit.audit.spool_file import Position

BATCH_ROWS: Final = 500
BATCH_BYTES: Final = 1_000_000
IDLE_SECONDS: Final = 0.2  # between two passes that left nothing waiting beyond their batches
BACKOFF_SECONDS: Final = (0.1, 30.0)  # first and longest wait after the sink failed
REPORT_SECONDS: Final = 60.0  # between two reports of the same sink failure
FINAL_DRAIN_SECONDS: Final = 5.0  # passes made after a stop, while they still ship something

_log = logging.getLogger(__name__)


@dataclass
class _Lane:
    """A lane the shipper follows: its shipped position; `lock_fd` once its writer has ended."""

    name: str
    position: Position
    lock_fd: int | None = None


@dataclass(frozen=True)
class _Batch:
    lines: list[bytes]
    end: Position
    more: bool  # complete lines wait beyond this batch


@dataclass
class ShipperStats:
    shipped: int = 0
    removed: int = 0
    failures: int = 0
    torn: int = 0  # unfinished last lines of writers that died writing them


class Shipper:
    """Ships the lanes of `directory` to `sink`; `ship_pass` is one round, `run` loops.

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
        self._lanes: dict[str, _Lane] = {}
        self._reported = 0.0
        self.more = False  # the last pass left complete lines waiting beyond its batches
        self.stats = ShipperStats()

    def ship_pass(self) -> int:
        """Send one batch from every lane that has lines; the number of lines acknowledged.

        Raises SinkUnavailable when the sink refused a batch (that lane's position stays).
        """
        shipped, self.more = 0, False
        found = spool_file.lanes(self._directory)
        for name, segments in sorted(found.items()):
            shipped += self._ship_lane(self._lane(name, segments), segments)
        for gone in set(self._lanes) - set(found):
            self._forget(self._lanes[gone])
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
                    self.ship_pass()
                except SinkUnavailable as error:
                    failures += 1
                    self.stats.failures += 1
                    self._report(error, failures)
                    stop.wait(self._backoff(failures))
                    continue
                if failures:
                    _log.info("the audit sink is back after %d failed attempts", failures)
                failures = 0
                if not self.more:
                    stop.wait(IDLE_SECONDS)  # lets lines gather into fuller batches
            self._last_passes(time.monotonic() + FINAL_DRAIN_SECONDS)
        self.close()

    def close(self) -> None:
        for lane in list(self._lanes.values()):
            self._forget(lane)
        self._sink.close()

    def _lane(self, name: str, segments: list[int]) -> _Lane:
        lane = self._lanes.get(name)
        if lane is None:
            first = segments[0] if segments else 0
            lane = self._lanes[name] = _Lane(name, spool_file.read_shipped(self._directory, name, first))
        if lane.lock_fd is None:  # None again while its writer lives
            lane.lock_fd = spool_file.hold_lock(spool_file.lock_path(self._directory, name))
        return lane

    def _ship_lane(self, lane: _Lane, segments: list[int]) -> int:
        self._skip_shipped_segments(lane, segments)
        batch = self._batch(lane)
        if batch.lines:
            self._sink.send(batch.lines)
            self._advance(lane, batch.end)
            self.stats.shipped += len(batch.lines)
            self.more = self.more or batch.more
            return len(batch.lines)
        later = [n for n in segments if n > lane.position.segment]
        if later:  # the writer moved on: this segment is done
            self._torn_tail(lane)
            with contextlib.suppress(FileNotFoundError):
                spool_file.segment_path(self._directory, lane.name, lane.position.segment).unlink()
            self._advance(lane, Position(later[0], 0))
            self.more = True
        elif lane.lock_fd is not None:  # drained, and its writer has ended
            self._torn_tail(lane)
            spool_file.remove_lane(self._directory, lane.name)
            self._forget(lane)
            self.stats.removed += 1
        return 0

    def _skip_shipped_segments(self, lane: _Lane, segments: list[int]) -> None:
        for number in segments:
            if number < lane.position.segment:  # shipped; left by a shipper stopped before deleting it
                with contextlib.suppress(FileNotFoundError):
                    spool_file.segment_path(self._directory, lane.name, number).unlink()
        if segments and lane.position.segment not in segments and lane.position.segment < segments[-1]:
            lane.position = Position(min(n for n in segments if n > lane.position.segment), 0)

    def _batch(self, lane: _Lane) -> _Batch:
        """The next complete lines of the lane's segment, within the batch's limits."""
        data = self._read(lane, self._batch_bytes)
        lines = data.split(b"\n")[:-1]  # the last piece has no newline (yet)
        taken: list[bytes] = []
        size = 0
        for line in lines:
            if taken and (len(taken) == self._batch_rows or size + len(line) + 1 > self._batch_bytes):
                break
            taken.append(line)
            size += len(line) + 1
        more = len(taken) < len(lines) or len(data) >= self._batch_bytes
        return _Batch(taken, Position(lane.position.segment, lane.position.offset + size), more)

    def _read(self, lane: _Lane, size: int) -> bytes:
        """`size` bytes from the lane's position if there are, more until the first newline."""
        position = lane.position
        path = spool_file.segment_path(self._directory, lane.name, position.segment)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return b""
        try:
            data = os.pread(fd, size, position.offset)
            while b"\n" not in data and len(data) == size:  # one line longer than a batch
                size *= 2
                data = os.pread(fd, size, position.offset)
            return data
        finally:
            os.close(fd)

    def _advance(self, lane: _Lane, position: Position) -> None:
        lane.position = position
        spool_file.write_shipped(self._directory, lane.name, position)

    def _torn_tail(self, lane: _Lane) -> None:
        """A last line without its newline: its writer died writing it, before reporting it done."""
        if self._read(lane, 1):
            self.stats.torn += 1
            _log.warning("audit spool %s: an unfinished last line left by its writer is dropped", lane.name)

    def _forget(self, lane: _Lane) -> None:
        if lane.lock_fd is not None:
            os.close(lane.lock_fd)
            lane.lock_fd = None
        self._lanes.pop(lane.name, None)

    def _last_passes(self, deadline: float) -> None:
        """On stop: what the service's processes wrote as they stopped, while the sink takes it."""
        try:
            while time.monotonic() < deadline and self.ship_pass():
                pass
        except SinkUnavailable as error:
            _log.warning("stopping with records left in the audit spool (shipped at the next start): %s", error)

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
    fd = os.open(directory / spool_file.SHIPPER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
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
