"""`mymonit rollups`: a turn every ROLLUP_INTERVAL, back to back while marks or backlog are left."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

from mymonit.audit import AuditEvent, AuditTrail
from mymonit.domain.errors import Unavailable
from mymonit.rollups.settings import RollupSettings
from mymonit.storage.rollup_store import TurnReport

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 10.0


class RollupStore(Protocol):
    def roll(self, closed_before: int) -> TurnReport: ...

    def mark_all(self) -> int: ...


def mark_rebuild(store: RollupStore, trail: AuditTrail) -> int:
    """`mymonit rollups --rebuild`: every series' measures marked for rolling up again; returns the series."""
    series = store.mark_all()
    trail.emit(AuditEvent.ROLLUPS_REBUILD_MARKED, series=series)
    return series


def run_rollups(store: RollupStore, trail: AuditTrail, settings: RollupSettings, stop: threading.Event,
                clock: Callable[[], float] = time.time) -> None:
    """Until `stop` is set. A database that is down skips turns: the marks wait in it."""
    interval, grace = settings.ROLLUP_INTERVAL, settings.ROLLUP_GRACE
    trail.emit(AuditEvent.ROLLUPS_WORKER_STARTED, interval_seconds=interval, grace_seconds=grace, pid=os.getpid())
    minutes, reported = 0, time.monotonic()
    while not stop.is_set():
        try:
            report = store.roll(int(clock() - grace) // 60)
        except Unavailable:
            log.warning("database unavailable: turn skipped")
            stop.wait(interval)
            continue
        minutes += report.minutes
        if minutes and (not report.more or time.monotonic() - reported >= PROGRESS_SECONDS):
            log.info("rolled up %d series-minutes%s (last turn: %d series in %.3f s)", minutes,
                     ", more to do" if report.more else "", report.series, report.seconds)
            minutes, reported = 0, time.monotonic()
        if not report.more:
            stop.wait(interval)
    trail.emit(AuditEvent.ROLLUPS_WORKER_STOPPED, pid=os.getpid())
