"""Reads of the `series` table for the API: listings with their time span, selectors, labels by id."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Final

from mymonit.domain.series import Labels, Selector, SeriesInfo
from mymonit.domain.timestamps import SQL_FORMAT
from mymonit.storage.database import Database
from mymonit.storage.sql import placeholders

_MAX_REMEMBERED: Final = 100_000
# The first and last measure of a series: one dive each into the series index.
_SPAN = ("(SELECT DATE_FORMAT(MIN(ts), %s) FROM measures FORCE INDEX (ix_measures_series_ts)"
         " WHERE series_id = s.series_id),"
         " (SELECT DATE_FORMAT(MAX(ts), %s) FROM measures FORCE INDEX (ix_measures_series_ts)"
         " WHERE series_id = s.series_id)")


def _where(experiment_id: int, type_id: int | None, chosen: Selector) -> tuple[str, list[Any]]:
    clauses: list[str] = ["s.experiment_id = %s"]
    params: list[Any] = [experiment_id]
    if type_id is not None:
        clauses.append("s.type_id = %s")
        params.append(type_id)
    if chosen.sensor is not None:
        clauses.append("s.sensor = %s")
        params.append(chosen.sensor)
    for key, value in chosen.tags:
        clauses.append("JSON_VALUE(s.tags, %s) = %s")
        params += [f'$."{key}"', value]  # keys match TAG_KEY: nothing to escape in the path
    return " AND ".join(clauses), params


class MySqlSeriesReader:
    """Implements `mymonit.services.ports.SeriesReader`. A series' labels never change once it
    exists, so those read by id are remembered (up to `_MAX_REMEMBERED`)."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._labels: dict[int, Labels] = {}
        self._lock = threading.Lock()

    def listing(self, experiment_id: int, type_id: int | None, chosen: Selector) -> list[SeriesInfo]:
        where, params = _where(experiment_id, type_id, chosen)
        sql = (f"SELECT s.series_id, s.type_id, s.sensor, s.tags, {_SPAN} FROM series s"  # noqa: S608  # nosec B608  # fixed fragments only
               f" WHERE {where} ORDER BY s.type_id, s.sensor, s.tags")
        rows = self._db.run(lambda c: c.fetch_all(sql, (SQL_FORMAT, SQL_FORMAT, *params)))
        return [SeriesInfo(int(i), int(t), Labels(sensor, str(tags)), first, last)
                for i, t, sensor, tags, first, last in rows]

    def matching(self, experiment_id: int, type_id: int | None, chosen: Selector) -> dict[int, Labels]:
        where, params = _where(experiment_id, type_id, chosen)
        sql = f"SELECT s.series_id, s.sensor, s.tags FROM series s WHERE {where}"  # noqa: S608  # nosec B608  # fixed fragments only
        rows = self._db.run(lambda c: c.fetch_all(sql, tuple(params)))
        found = {int(i): Labels(sensor, str(tags)) for i, sensor, tags in rows}
        self._remember(found)
        return found

    def labels(self, series_ids: Iterable[int]) -> dict[int, Labels]:
        wanted = set(series_ids)
        with self._lock:
            known = {i: self._labels[i] for i in wanted if i in self._labels}
        missing = sorted(wanted - known.keys())
        if missing:
            sql = f"SELECT series_id, sensor, tags FROM series WHERE series_id IN ({placeholders(len(missing))})"  # noqa: S608  # nosec B608  # placeholders only
            rows = self._db.run(lambda c: c.fetch_all(sql, tuple(missing)))
            found = {int(i): Labels(sensor, str(tags)) for i, sensor, tags in rows}
            self._remember(found)
            known.update(found)
        return known

    def counts(self) -> dict[int, int]:
        rows = self._db.run(lambda c: c.fetch_all("SELECT experiment_id, COUNT(*) FROM series GROUP BY experiment_id"))
        return {int(e): int(n) for e, n in rows}

    def _remember(self, found: dict[int, Labels]) -> None:
        with self._lock:
            if len(self._labels) + len(found) > _MAX_REMEMBERED:
                self._labels.clear()
            self._labels.update(found)
