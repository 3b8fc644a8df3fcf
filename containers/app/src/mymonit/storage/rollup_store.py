"""The rollup worker's transactions: the minutes marked dirty, and a slice of the backlog,
recomputed from the raw rows, then the hours above them (docs/design.md, Rollups).

One turn is one READ COMMITTED transaction that first locks the `rollup_turn` row, so workers
take turns. It reads the marks of closed minutes (older than the grace), recomputes each marked
run of minutes with one `INSERT … SELECT` along the series index (after deleting what was
there, so a recomputation is idempotent), recomputes the touched hours from the minutes, and
deletes each mark only if its `touches` is still what it read: a batch committed meanwhile
leaves its mark for the next turn. Killed at any point, the turn rolls back whole.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import mysql.connector

from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import chunks

MOST_MARKS: Final = 20_000  # marks read per turn
MOST_BACKLOG_SERIES: Final = 64  # backlog series sliced per turn
RANGES_PER_STATEMENT: Final = 500
_EPOCH = datetime(1970, 1, 1)  # the naive UTC of DATETIME columns
_RETRYABLE = {1205, 1213}  # lock wait timeout, deadlock: the turn is run again

_MARKS = ("SELECT series_id, minute, touches FROM rollup_dirty WHERE minute < %s"
          " ORDER BY series_id, minute LIMIT %s")
_BACKLOG = "SELECT series_id, from_minute, to_minute FROM rollup_backlog ORDER BY series_id LIMIT %s"
_MINUTES = ("INSERT INTO rollup_minute (series_id, minute, n, total, low, high)"
            " SELECT series_id, TIMESTAMPDIFF(MINUTE, '1970-01-01', ts) AS m, COUNT(*), SUM(value), MIN(value),"
            " MAX(value) FROM measures FORCE INDEX (ix_measures_series_ts) WHERE {ranges} GROUP BY series_id, m")
_HOURS = ("INSERT INTO rollup_hour (series_id, hour, n, total, low, high)"
          " SELECT series_id, minute DIV 60 AS h, SUM(n), SUM(total), MIN(low), MAX(high)"
          " FROM rollup_minute WHERE {ranges} GROUP BY series_id, h")
# The range of minutes of every series with measures, for the backlog (migration 0009, `rebuild`).
MARK_BACKLOG = (
    "INSERT INTO rollup_backlog (series_id, from_minute, to_minute)"
    " SELECT series_id, TIMESTAMPDIFF(MINUTE, '1970-01-01', MIN(ts)), TIMESTAMPDIFF(MINUTE, '1970-01-01', MAX(ts))"
    " FROM measures FORCE INDEX (ix_measures_series_ts) WHERE series_id IN ({series}) AND ts >= '1970-01-01'"
    " GROUP BY series_id"
    " ON DUPLICATE KEY UPDATE from_minute = LEAST(from_minute, VALUES(from_minute)),"
    " to_minute = GREATEST(to_minute, VALUES(to_minute))"
)

Run = tuple[int, int, int]
"""(series_id, first minute, last minute): minutes to recompute, inclusive."""


@dataclass(frozen=True, slots=True)
class TurnReport:
    minutes: int  # minutes recomputed (marked, and from the backlog)
    series: int
    more: bool  # marks or backlog left: the next turn should start at once
    seconds: float


class MySqlRollupStore:
    def __init__(self, database: Database, backlog_minutes: int = 60) -> None:
        self._db = database
        self._slice = backlog_minutes  # minutes of a backlog series per turn, adapted to the turn's time

    def roll(self, closed_before: int) -> TurnReport:
        """One turn over the marks of the minutes before `closed_before` (minutes since 1970) and a slice
        of the backlog."""
        started = time.monotonic()
        while True:
            try:
                minutes, series, more = self._db.run(lambda c: _turn(c, closed_before, self._slice), retry=False)
                break
            except mysql.connector.Error as error:
                if error.errno not in _RETRYABLE:
                    raise
        seconds = time.monotonic() - started
        if seconds < 0.25:
            self._slice = min(self._slice * 2, 1 << 20)
        elif seconds > 1.0:
            self._slice = max(self._slice // 2, 1)
        return TurnReport(minutes, series, more, seconds)

    def mark_all(self) -> int:
        """Mark every series' measures for rolling up again (`mymonit rollups --rebuild`); returns the series."""
        return int(self._db.run(mark_backlog, retry=False))


def mark_backlog(connection: Connection, series: Sequence[int] | None = None) -> int:
    """Mark the minutes of these series' measures (None: of every series) as backlog, a few hundred
    series per statement, each two dives into the series index; returns the series marked.
    Migration 0009's data step: the measures stored before it."""
    if series is None:
        series = [int(r[0]) for r in connection.fetch_all("SELECT series_id FROM series")]
    marked = 0
    for part in chunks(series, 500):
        marked += connection.execute(MARK_BACKLOG.format(series=",".join(map(str, map(int, part)))))
    return marked


def _turn(connection: Connection, closed_before: int, backlog_slice: int) -> tuple[int, int, bool]:
    connection.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    connection.raw.start_transaction()
    try:
        connection.fetch_all("SELECT name FROM rollup_turn WHERE name = 'rollup' FOR UPDATE")
        marks = connection.fetch_all(_MARKS, (closed_before, MOST_MARKS))
        backlog = connection.fetch_all(_BACKLOG, (MOST_BACKLOG_SERIES,))
        slices = [(int(s), int(a), min(int(b), int(a) + backlog_slice - 1)) for s, a, b in backlog]
        runs = _runs([(int(s), int(m)) for s, m, _ in marks]) + slices
        _recompute(connection, runs)
        for part in chunks(marks, RANGES_PER_STATEMENT):
            unchanged = " OR ".join(["(series_id = %s AND minute = %s AND touches = %s)"] * len(part))
            connection.execute(f"DELETE FROM rollup_dirty WHERE {unchanged}", _flat(part))  # noqa: S608  # nosec B608
        for (series_id, first, last), (_, _, to_minute) in zip(slices, backlog, strict=True):
            if last >= int(to_minute):
                connection.execute("DELETE FROM rollup_backlog WHERE series_id = %s AND from_minute = %s"
                                   " AND to_minute = %s", (series_id, first, to_minute))
            else:
                connection.execute("UPDATE rollup_backlog SET from_minute = %s WHERE series_id = %s"
                                   " AND from_minute = %s AND to_minute = %s", (last + 1, series_id, first, to_minute))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    more = len(marks) == MOST_MARKS or len(backlog) > 0
    return sum(b - a + 1 for _, a, b in runs), len({r[0] for r in runs}), more


def _recompute(connection: Connection, runs: Sequence[Run]) -> None:
    """Every run's minutes from the raw rows, then every hour they are in from the minutes."""
    hours = [(s, a // 60, b // 60) for s, a, b in runs]
    for part in chunks(runs, RANGES_PER_STATEMENT):
        connection.execute(f"DELETE FROM rollup_minute WHERE {_between('minute', len(part))}", _flat(part))  # noqa: S608  # nosec B608
        raw = " OR ".join(["(series_id = %s AND ts >= %s AND ts < %s)"] * len(part))
        connection.execute(_MINUTES.format(ranges=raw), _flat(
            (s, _EPOCH + timedelta(minutes=a), _EPOCH + timedelta(minutes=b + 1)) for s, a, b in part))
    for part in chunks(hours, RANGES_PER_STATEMENT):
        connection.execute(f"DELETE FROM rollup_hour WHERE {_between('hour', len(part))}", _flat(part))  # noqa: S608  # nosec B608
        connection.execute(_HOURS.format(ranges=_between("minute", len(part))),
                           _flat((s, a * 60, b * 60 + 59) for s, a, b in part))


def _runs(marks: Iterable[tuple[int, int]]) -> list[Run]:
    """Marks (sorted by series, then minute) as runs of consecutive minutes."""
    runs: list[Run] = []
    for series_id, minute in marks:
        if runs and runs[-1][0] == series_id and runs[-1][2] == minute - 1:
            runs[-1] = (series_id, runs[-1][1], minute)
        else:
            runs.append((series_id, minute, minute))
    return runs


def _between(column: str, count: int) -> str:
    return " OR ".join([f"(series_id = %s AND {column} BETWEEN %s AND %s)"] * count)


def _flat(rows: Iterable[Sequence[Any]]) -> tuple[Any, ...]:
    return tuple(value for row in rows for value in row)
