"""The fakes of `services.ports.MeasureTypeRepository`, `MeasureReader` and `ingest.ports.MeasureSink`,
held to the MariaDB adapters by the contract tests in tests/integration/contracts/."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import datetime

from mymonit.domain.model import Aggregate, Bucket, MeasureType
from mymonit.domain.queries import AggregateQuery, Cursor, MeasurePage, MeasureQuery, MeasureRow, Order
from mymonit.domain.timestamps import EPOCH, MICROSECOND
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.ports import NewMeasure, PreparedRows
from tests.unit.fakes.store import InMemoryStore, StoredMeasure


class FakeMeasureTypeRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> list[MeasureType]:
        return sorted(self._store.measure_types, key=lambda t: t.type_id)


class FakeMeasureReader:
    """Answers from the store's rows and remembers every query it was asked."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.queries: list[MeasureQuery | AggregateQuery] = []

    def page(self, query: MeasureQuery) -> MeasurePage:
        self.queries.append(query)
        rows = self._matching(query)
        if len(rows) <= query.limit:
            return MeasurePage([r.shown() for r in rows], None)
        last = rows[query.limit - 1]
        return MeasurePage([r.shown() for r in rows[:query.limit]], Cursor(last.ts, last.key))

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> Aggregate:
        self.queries.append(query)
        groups: dict[tuple[int, int | None, datetime], list[float]] = {}
        for experiment_id, row in self._store.measures:
            wanted = (experiment_id == query.experiment_id and query.type_id in (None, row.type_id)
                      and _in_series(row, query.series_ids) and query.start <= row.ts < query.end)
            if wanted:
                start = query.start + ((row.ts - query.start) // query.width) * query.width
                series_id = row.series_id if query.by_series else None
                groups.setdefault((row.type_id, series_id, start), []).append(row.value)
        return Aggregate([  # by measure type (and series), then time, as the SQL orders them
            Bucket(type_names.get(type_id, str(type_id)), start, len(values), min(values), max(values),
                   sum(values) / len(values), series_id)
            for (type_id, series_id, start), values in sorted(groups.items())
        ])

    def stream(self, query: MeasureQuery, chunk: int = 5_000) -> Iterator[list[MeasureRow]]:
        self.queries.append(query)
        rows = [r.shown() for r in self._matching(query)]
        for first in range(0, len(rows), chunk):
            yield rows[first:first + chunk]

    def _matching(self, query: MeasureQuery) -> list[StoredMeasure]:
        """The rows of the query, after its cursor if it has one, in its order."""
        start, end = query.range.start, query.range.end
        rows = [
            row for experiment_id, row in self._store.measures
            if experiment_id == query.experiment_id
            and (query.type_id is None or row.type_id == query.type_id)
            and _in_series(row, query.series_ids)
            and (start is None or row.ts >= start) and (end is None or row.ts < end)
            and _after(row, query.after, query.order)
        ]
        return sorted(rows, key=lambda r: (r.ts, r.key), reverse=query.order is Order.DESC)


def _in_series(row: StoredMeasure, series_ids: tuple[int, ...] | None) -> bool:
    return series_ids is None or row.series_id in series_ids


def _after(row: StoredMeasure, cursor: Cursor | None, order: Order) -> bool:
    if cursor is None:
        return True
    if order is Order.ASC:
        return (row.ts, row.key) > (cursor.ts, cursor.key)
    return (row.ts, row.key) < (cursor.ts, cursor.key)


class FakeMeasureSink:
    """Writes into the store what MySqlMeasureWriter writes into the measures table: all of a batch or,
    if the table would refuse one row (unknown experiment, a value out of its column's range), none."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        return PreparedRows(measures, "")

    def write(self, rows: PreparedRows) -> int:
        for measure in rows.measures:
            self._refuse(measure)
        stored = {(experiment_id, row.ts, row.key) for experiment_id, row in self._store.measures}
        new = 0
        for experiment_id, type_id, micros, value, key, series_id in rows.measures:
            ts = EPOCH + micros * MICROSECOND
            if (experiment_id, ts, key) not in stored:  # the primary key: a duplicate is skipped, not updated
                stored.add((experiment_id, ts, key))
                row = StoredMeasure(key, type_id, ts, float(value), series_id)
                self._store.measures.append((experiment_id, row))
                new += 1
        return new

    def _refuse(self, measure: NewMeasure) -> None:
        if measure.experiment_id not in self._store.experiments:
            raise BatchRefused("the database refused the rows (error 1452)")  # the experiment's foreign key
        in_range = (0 <= measure.dedup_key < 2**64 and 0 <= measure.type_id < 2**16 and 0 <= measure.series_id < 2**32
                    and math.isfinite(measure.value)
                    and _DATETIME_MICROS[0] <= measure.micros < _DATETIME_MICROS[1])
        if not in_range:
            raise BatchRefused("the database refused the rows (error 1264)")


# What DATETIME(6) takes: the years 1 to 9999 (MariaDB documents 1000 to 9999, and stores the years before).
_DATETIME_MICROS = ((datetime(1, 1, 1, tzinfo=EPOCH.tzinfo) - EPOCH) // MICROSECOND,
                    (datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=EPOCH.tzinfo) - EPOCH) // MICROSECOND + 1)
