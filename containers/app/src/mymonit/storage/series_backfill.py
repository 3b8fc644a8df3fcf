"""Migration 0004's data step: every measure stored before series existed into its default series.

It walks the rows still in series 0 along the series index, `CHUNK_ROWS` at a time, each chunk
one short `UPDATE` in its own transaction at READ COMMITTED (no gap locks), so consumers inserting
meanwhile never wait for more than one chunk. Rows an older consumer stores during a rolling
upgrade are in series 0 too, and moved the same way (their default series created first).
Interrupted, it starts again where it stopped: series 0 is what is left to do. Progress is logged
every `PROGRESS_SECONDS`.

Once rollups exist (migration 0009), the default series that received rows are marked for
rolling up again once the rows have moved; until then their aggregates may miss the moved rows.

Each pass moves at most what series 0 held when it began, and another pass runs only while the
passes gain on the older consumers: one that stores faster than the step moves would otherwise
keep it from ever ending (the migration benchmark's consumer did, flat out). What they leave is
logged, for `mymonit db backfill-series` once they have stopped.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from mymonit.storage.rollup_store import mark_backlog
from mymonit.storage.session import Connection

log = logging.getLogger(__name__)
CHUNK_ROWS: Final = 20_000
PROGRESS_SECONDS: Final = 5.0
_CATCH_UP_ROUNDS: Final = 5  # passes over rows stored meanwhile, each after their default series exist

_MOVE = (
    "UPDATE measures FORCE INDEX (ix_measures_series_ts) SET series_id = COALESCE(("
    " SELECT s.series_id FROM series s WHERE s.experiment_id = measures.experiment_id"
    " AND s.type_id = measures.type_id AND s.sensor IS NULL AND s.tags = '{}'), 0)"
    " WHERE series_id = 0 ORDER BY series_id, ts LIMIT %s"
)
_LEFT = "SELECT COUNT(*) FROM measures FORCE INDEX (ix_measures_series_ts) WHERE series_id = 0"
# The default series of pairs stored in series 0 since the migration's own INSERT (older consumers).
_ENSURE_DEFAULTS = (
    "INSERT IGNORE INTO series (experiment_id, type_id, sensor, tags, identity_hash)"
    " SELECT experiment_id, type_id, NULL, '{}',"
    " UNHEX(LEFT(SHA2(CONCAT(experiment_id, 0x1f, type_id, 0x1f, 0x1f, '{}'), 256), 32))"
    " FROM (SELECT DISTINCT experiment_id, type_id FROM measures FORCE INDEX (ix_measures_series_ts)"
    " WHERE series_id = 0) AS present"
)


# The default series that the rows of series 0 go to (those that exist already), and whether the
# rollups do (the step runs at 0004, before them, and again by `mymonit db backfill-series`).
_PENDING_DEFAULTS = (
    "SELECT s.series_id FROM series s JOIN (SELECT DISTINCT experiment_id, type_id FROM measures"
    " FORCE INDEX (ix_measures_series_ts) WHERE series_id = 0) AS present USING (experiment_id, type_id)"
    " WHERE s.sensor IS NULL AND s.tags = '{}'"
)
_ROLLUPS_EXIST = ("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                  " AND table_name = 'rollup_backlog'")


def backfill_series(connection: Connection) -> int:
    """Move every measure of series 0 into its default series; returns how many rows moved."""
    connection.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    try:
        left = _left(connection)
        receiving = _receiving(connection)
        progress = _Progress(left)
        for _ in range(_CATCH_UP_ROUNDS):
            moved = _move(connection, left, progress)
            before, left = left, _left(connection)
            if not left:
                break
            connection.execute(_ENSURE_DEFAULTS)
            receiving |= _receiving(connection)
            if moved and left >= before:  # stored meanwhile as fast as moved: another pass would not end sooner
                break
        if progress.moved and connection.fetch_all(_ROLLUPS_EXIST)[0][0]:
            mark_backlog(connection, sorted(receiving))  # the moved rows, for the rollups (docs/design.md, Rollups)
        if left:
            log.warning("series backfill: %d measures stored meanwhile by an older consumer stay in series 0;"
                        " `mymonit db backfill-series` moves them once it has stopped", left)
    finally:
        connection.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    progress.done()
    return progress.moved


def _receiving(connection: Connection) -> set[int]:
    return {int(r[0]) for r in connection.fetch_all(_PENDING_DEFAULTS)}


def _left(connection: Connection) -> int:
    return int(connection.fetch_all(_LEFT)[0][0])


def _move(connection: Connection, most: int, progress: _Progress) -> int:
    """One pass: chunks until `most` rows have moved or a chunk comes back short (rows whose
    default series does not exist yet stay); returns the rows it moved."""
    total = 0
    while total < most:
        asked = min(CHUNK_ROWS, most - total)
        moved = connection.execute(_MOVE, (asked,))
        progress.add(moved)
        total += moved
        if moved < asked:
            break
    return total


class _Progress:
    def __init__(self, total: int) -> None:
        self.total, self.moved = total, 0
        self._started = self._reported = time.monotonic()
        log.info("series backfill: %d measures to move into their default series", total)

    def add(self, rows: int) -> None:
        self.moved += rows
        now = time.monotonic()
        if now - self._reported >= PROGRESS_SECONDS:
            self._reported = now
            log.info("series backfill: %d of %d measures moved (%.0f%%), %.0f s", self.moved, self.total,
                     100 * self.moved / max(self.total, 1), now - self._started)

    def done(self) -> None:
        log.info("series backfill: %d measures moved in %.1f s", self.moved, time.monotonic() - self._started)
