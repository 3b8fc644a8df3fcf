"""Measure types: a small, static table read once and cached for the process's life."""

from __future__ import annotations

import threading

from mymonit.domain.model import MeasureType
from mymonit.storage.database import Database


class MySqlMeasureTypeRepository:
    """Measure types change only through migrations, so one read per process is enough."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._cache: list[MeasureType] | None = None
        self._lock = threading.Lock()

    def all(self) -> list[MeasureType]:
        with self._lock:
            if self._cache is None:
                sql = "SELECT type_id, name, symbol, quantity FROM measure_types ORDER BY type_id"
                rows = self._db.run(lambda c: c.fetch_all(sql))
                self._cache = [MeasureType(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
            return list(self._cache)
