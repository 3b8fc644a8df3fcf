"""Bulk writes of measures: one multi-row INSERT per batch that skips the rows already stored."""

from __future__ import annotations

import time
from collections.abc import Sequence

import mysql.connector

from mymonit.domain.errors import Unavailable
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.ports import NewMeasure, PreparedRows
from mymonit.storage.database import Database
from mymonit.storage.measure_sql import PENDING_SERIES
from mymonit.storage.session import Connection

__all__ = ["MySqlMeasureWriter", "NewMeasure"]

# ON DUPLICATE KEY UPDATE with a no-op keeps other errors (bad foreign keys) loud, unlike
# INSERT IGNORE, and reports 0 affected rows for a skipped duplicate (the connector does not set
# CLIENT_FOUND_ROWS).
_INSERT = "INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key, series_id) VALUES "
_ON_DUPLICATE = " ON DUPLICATE KEY UPDATE dedup_key = dedup_key"
# The minutes the rows touch, marked for the rollup worker in the same transaction (docs/design.md,
# Rollups): a committed measure is never outside both the rollups and the marks.
_TOUCH = "INSERT INTO rollup_dirty (series_id, minute) VALUES "
_TOUCH_AGAIN = " ON DUPLICATE KEY UPDATE touches = touches + 1"

# Errors that say "run this transaction again", not "these rows are wrong".
_RETRYABLE = {1205, 1213}  # ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK


class MySqlMeasureWriter:
    """Implements `mymonit.ingest.ports.MeasureSink`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def insert(self, measures: Sequence[NewMeasure]) -> int:
        """`write(prepare(measures))`: for callers that have nothing to overlap with the round trip."""
        return self.write(self.prepare(measures))

    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        return PreparedRows(measures, *_values(measures))

    def write(self, rows: PreparedRows) -> int:
        """Insert the rows in one transaction; returns how many were new (the rest were duplicates).

        Retrying after a lost connection is safe: the primary key (experiment, timestamp, dedup
        key) absorbs rows already committed.
        Raises `Unavailable` (lost connection, deadlock: retry later) or `BatchRefused` (bad data).
        """
        if not rows.measures:
            return 0
        sql = _INSERT + rows.form + _ON_DUPLICATE
        touch = _TOUCH + rows.touched + _TOUCH_AGAIN if rows.touched else ""

        def work(connection: Connection) -> int:
            if not touch:  # series 0 only (docs/design.md, Series): nothing is rolled up
                return connection.execute(sql)  # the session is in autocommit: one statement, one transaction
            connection.raw.start_transaction()
            inserted = connection.execute(sql)
            connection.execute(touch)  # last, so the marks' row locks are held only until the commit
            connection.commit()
            return inserted

        try:
            return self._db.run(work)
        except mysql.connector.Error as error:
            if error.errno in _RETRYABLE:
                raise Unavailable(f"the insert must be retried: {error.msg}") from error
            # The errno only: the server's message may quote the rows' values.
            raise BatchRefused(f"the database refused the rows (error {error.errno})") from error


def _values(measures: Sequence[NewMeasure]) -> tuple[str, str]:
    """The VALUES lists of the rows and of the (series, minute) pairs they touch, formatted here:
    5x cheaper than the connector's per-row escaping. The pairs are sorted, so that consumers
    writing at once lock the marks in one order (no deadlock between them).

    Only typed values reach the text: digits (`%d` raises for anything but a number), a float's repr and a
    timestamp made of digits, so nothing from a message can alter the SQL. A batch's measures
    mostly share their seconds, so each second's text is made once. (`%` formatting: a quarter
    cheaper per row than the same f-string with format specs.)
    """
    values = []
    touched = set()
    second, text = None, ""
    for experiment_id, type_id, micros, value, key, series_id in measures:
        whole, fraction = divmod(micros, 1_000_000)
        if whole != second:
            second, text = whole, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(whole))
        values.append("(%d,%d,'%s.%06d',%r,%d,%d)" % (  # noqa: UP031
            experiment_id, type_id, text, fraction, float(value), key, series_id))
        touched.add((series_id, whole // 60))
    # Series 0 and times before 1970 (which only the sink's own tests store) are never rolled up.
    marks = ",".join("(%d,%d)" % (s, m) for s, m in sorted(touched) if s != PENDING_SERIES and m >= 0)  # noqa: UP031
    return ",".join(values), marks
