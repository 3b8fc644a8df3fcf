"""Reads of measures: keyset pages, bucketed aggregates and chunked streams, each along one index
(storage/measure_sql.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from mymonit.domain.model import Bucket
from mymonit.domain.queries import AggregateQuery, Cursor, MeasurePage, MeasureQuery, MeasureRow
from mymonit.domain.timestamps import parse_iso_utc
from mymonit.storage.database import Database
from mymonit.storage.measure_sql import MOST_MERGED, MOST_SCANNED, aggregate_sql, page_sql, read_scope
from mymonit.storage.session import Connection


class MySqlMeasureReader:
    def __init__(self, database: Database) -> None:
        self._db = database

    def page(self, query: MeasureQuery) -> MeasurePage:
        def read(connection: Connection) -> list[tuple[Any, ...]]:
            return connection.fetch_all(*page_sql(query, read_scope(connection, query, MOST_MERGED)))

        rows = self._db.run(read)
        # The C extension already returns int, int, str, float: no per-row conversion.
        measures = list(map(MeasureRow._make, rows[: query.limit]))
        more = len(rows) > query.limit
        cursor = Cursor(parse_iso_utc(measures[-1].timestamp), measures[-1].key) if more and measures else None
        return MeasurePage(measures, cursor)

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> list[Bucket]:
        def read(connection: Connection) -> list[tuple[Any, ...]]:
            return connection.fetch_all(*aggregate_sql(query, read_scope(connection, query, MOST_SCANNED)))

        rows = self._db.run(read)
        return [
            Bucket(
                measure_type=type_names.get(int(r[0]), str(r[0])),
                start=query.start + query.width * int(r[2]),
                count=int(r[3]), min=float(r[4]), max=float(r[5]), mean=float(r[6]),
                series_id=int(r[1]) if query.by_series else None,
            )
            for r in rows
        ]

    def stream(self, query: MeasureQuery, chunk: int = 5_000) -> Iterator[list[MeasureRow]]:
        """Keyset chunks: each a short query, so no connection is held while the client reads."""
        current = replace(query, limit=chunk)
        while True:
            page = self.page(current)
            if page.rows:
                yield page.rows
            if page.next_cursor is None:
                return
            current = replace(current, after=page.next_cursor)
