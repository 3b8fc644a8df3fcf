"""What the migration benchmark watches twice a second: the consumer's count, the queue's depth,
and which statement of the migration MariaDB is running."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import mysql.connector
import pika
import pika.exceptions

from bench_settings import BENCH_DATABASE, connect
from mymonit.config import Settings
from mymonit.ingest.broker import connection_parameters

# The migrations' statements, by how their text starts (blanks folded), named for the report.
STATEMENTS = (
    ("CREATE TABLE IF NOT EXISTS series", "create the series table"),
    ("ALTER TABLE measures ADD COLUMN", "add series_id (instant)"),
    ("ALTER TABLE measures ADD INDEX", "build ix_measures_series_ts (online)"),
    ("INSERT IGNORE INTO series", "create the default series"),
    ("SELECT COUNT(*) FROM measures FORCE", "backfill: count series 0"),
    ("UPDATE measures FORCE INDEX", "backfill: move rows, 20,000 a statement"),
    ("ALTER TABLE measures DROP INDEX", "0006: rebuild ix_measures_series_ts with the type, drop the type's (online)"),
)
BETWEEN = "between statements"
_RUNNING = ("SELECT LEFT(INFO, 40) FROM information_schema.PROCESSLIST"
            " WHERE DB = %s AND COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO IS NOT NULL")


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    handled: int
    depth: int
    phase: str


@dataclass(frozen=True, slots=True)
class Span:
    """What the samples of one phase add up to."""

    phase: str
    seconds: float
    measures: int
    max_depth: int

    @property
    def rate(self) -> float:
        return self.measures / self.seconds if self.seconds else 0.0


class Sampler:
    """A thread that samples every `every` s. `phase` is set by the caller; while it is
    "migration", each sample is named for the migration statement running then."""

    def __init__(self, settings: Settings, queue: str, handled: Callable[[], int], every: float = 0.5) -> None:
        self.phase = "warm-up"
        self.samples: list[Sample] = []
        self._settings, self._queue, self._handled, self._every = settings, queue, handled, every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._done.is_set():
            try:
                self._sample_until_done()
            except (mysql.connector.Error, pika.exceptions.AMQPError, OSError) as error:  # a server restart
                print(f"  (sampler: {error}; reconnecting)", flush=True)
                self._done.wait(2.0)

    def _sample_until_done(self) -> None:
        database = connect(self._settings)
        try:
            channel = pika.BlockingConnection(connection_parameters(self._settings)).channel()
            try:
                while not self._done.wait(self._every):
                    self.samples.append(self._sample(database, channel))
            finally:
                with contextlib.suppress(pika.exceptions.AMQPError):
                    channel.connection.close()
        finally:
            with contextlib.suppress(mysql.connector.Error):
                database.close()

    def _sample(self, database: Any, channel: Any) -> Sample:
        phase = self.phase
        if phase == "migration":
            phase = _statement(database)
        depth = int(channel.queue_declare(self._queue, passive=True).method.message_count)
        return Sample(time.monotonic(), self._handled(), depth, phase)

    def recent(self) -> tuple[float, int]:
        """The consumer's rate over the last ~5 s, and the queue's depth now."""
        window = self.samples[-11:]
        if len(window) < 2:
            return 0.0, window[-1].depth if window else 0
        first, last = window[0], window[-1]
        return (last.handled - first.handled) / (last.at - first.at), last.depth

    def spans(self) -> list[Span]:
        """One per phase, in the order they first appear."""
        totals: dict[str, list[float]] = {}
        for previous, sample in zip(self.samples, self.samples[1:], strict=False):
            seconds, measures, depth = totals.setdefault(sample.phase, [0.0, 0, 0])
            totals[sample.phase] = [seconds + sample.at - previous.at, measures + sample.handled - previous.handled,
                                    max(depth, sample.depth)]
        return [Span(phase, s, int(m), int(d)) for phase, (s, m, d) in totals.items()]

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()


def _statement(database: Any) -> str:
    cursor = database.cursor()
    cursor.execute(_RUNNING, (BENCH_DATABASE,))
    running = [" ".join(str(row[0]).split()) for row in cursor.fetchall()]
    cursor.close()
    for prefix, name in STATEMENTS:
        if any(text.startswith(prefix) for text in running):
            return name
    return BETWEEN


def report(spans: list[Span], seconds: float, rows: int) -> None:
    print(f"\nmigration 0004 on {rows:,} measures: {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
    if not spans:
        return
    before = next((s.rate for s in spans if s.phase == "before"), 0.0)
    print(f"\n{'phase':<42}{'seconds':>9}{'measures/s':>12}{'× before':>10}{'max queue':>11}")
    for span in spans:
        ratio = f"{span.rate / before:>9.2f}×" if before else f"{'':>10}"
        print(f"{span.phase:<42}{span.seconds:>9.1f}{span.rate:>12,.0f}{ratio}{span.max_depth:>11,}")
    during = [s for s in spans if s.phase not in {"warm-up", "before", "after", "drain"}]
    total = sum(s.seconds for s in during)
    rate = sum(s.measures for s in during) / total if total else 0.0
    print(f"{'the whole migration':<42}{total:>9.1f}{rate:>12,.0f}{rate / before if before else 0:>9.2f}×")
