"""Bulk writes of measures: one multi-row INSERT per batch that skips duplicates by dedup key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mymonit.storage.measures import to_db
from mymonit.storage.pool import Connection, Database

# ON DUPLICATE KEY UPDATE with a no-op keeps other errors (bad foreign keys) loud, unlike
# INSERT IGNORE, and reports 0 affected rows for a skipped duplicate.
_INSERT = (
    "INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key) VALUES (%s, %s, %s, %s, %s)"
    " ON DUPLICATE KEY UPDATE id = id"
)


@dataclass(frozen=True, slots=True)
class NewMeasure:
    experiment_id: int
    type_id: int
    ts: datetime
    value: float
    dedup_key: bytes


class MySqlMeasureWriter:
    def __init__(self, database: Database) -> None:
        self._db = database

    def write(self, measures: Sequence[NewMeasure]) -> int:
        """Insert the batch in one transaction; returns how many rows were new (the rest were duplicates).

        Retrying after a lost connection is safe: the dedup key absorbs rows already committed.
        """
        if not measures:
            return 0
        rows = [(m.experiment_id, m.type_id, to_db(m.ts), m.value, m.dedup_key) for m in measures]

        def work(connection: Connection) -> int:
            cursor = connection.cursor()
            try:
                cursor.executemany(_INSERT, rows)
                connection.commit()
                return int(cursor.rowcount)
            finally:
                cursor.close()

        return self._db.run(work)
