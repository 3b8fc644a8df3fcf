"""Reads of measures: keyset pages, bucketed aggregates and chunked streams, each along one index
(storage/measure_sql.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from mymonit.domain.model import Aggregate, Bucket, Resolution
from mymonit.domain.queries import AggregateQuery, Cursor, MeasurePage, MeasureQuery, MeasureRow, resolution_of
from mymonit.domain.timestamps import EPOCH, parse_iso_utc
from mymonit.storage.database import Database
from mymonit.storage.measure_sql import (
    MOST_MERGED,
    MOST_SCANNED,
    PENDING_SERIES,
    Scope,
    aggregate_sql,
    page_sql,
    read_scope,
)
from mymonit.storage.rollup_reads import minute_of, rollup_sql, series_sql, unrolled_sql
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

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> Aggregate:
        """From the coarsest rollup that tiles the query's buckets, up to where the rollups end,
        and from the raw rows after (docs/design.md, Rollups); all in one snapshot, so the
        answer equals the raw computation."""
        resolution = resolution_of(query)

        def read(connection: Connection) -> tuple[list[tuple[Any, ...]], datetime]:
            scope = read_scope(connection, query, MOST_SCANNED)
            if resolution is Resolution.RAW:
                return connection.fetch_all(*aggregate_sql(query, scope, query.start, query.end)), query.start
            # Not the connector's start_transaction(readonly=True): it refuses MariaDB (version 5.5.5-…).
            connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            try:
                return _from_rollups(connection, query, resolution, scope)
            finally:
                connection.rollback()

        rows, raw_since = self._db.run(read)
        buckets = [
            Bucket(measure_type=type_names.get(type_id, str(type_id)), start=query.start + query.width * bucket,
                   count=n, min=low, max=high, mean=total / n, series_id=series_id if query.by_series else None)
            for (type_id, series_id, bucket), (n, total, low, high) in sorted(_merged(rows).items(), key=_by_bucket)
        ]
        return Aggregate(buckets, Resolution.RAW if raw_since <= query.start else resolution,
                         raw_since if raw_since < query.end else None)

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


def _from_rollups(connection: Connection, query: AggregateQuery, resolution: Resolution,
                  scope: Scope) -> tuple[list[tuple[Any, ...]], datetime]:
    """The rows of the rolled-up minutes (hours, then minutes), of the raw rows after them, and of
    series 0's rows (never rolled up); and where the raw rows start."""
    unrolled = int(connection.fetch_all(*unrolled_sql(query))[0][0])
    raw_since = EPOCH + timedelta(minutes=unrolled)
    series = [int(r[0]) for r in connection.fetch_all(*series_sql(query))]
    rows = []
    first = minute_of(query, "start")
    if resolution is Resolution.HOUR and series and first // 60 < unrolled // 60:
        rows += connection.fetch_all(*rollup_sql(query, Resolution.HOUR, series, first // 60, unrolled // 60))
        first = max(first, unrolled // 60 * 60)
    if series and first < unrolled:
        rows += connection.fetch_all(*rollup_sql(query, Resolution.MINUTE, series, first, unrolled))
    rows += connection.fetch_all(*aggregate_sql(query, scope, raw_since, query.end))
    if query.series_ids is None and raw_since > query.start:  # series 0's rows, never rolled up
        rows += connection.fetch_all(*aggregate_sql(query, (PENDING_SERIES,), query.start, raw_since))
    return rows, raw_since


def _merged(rows: list[tuple[Any, ...]]) -> dict[tuple[int, int | None, int], tuple[int, float, float, float]]:
    """(type, series, bucket) → (count, sum, min, max), over the parts that computed each bucket."""
    merged: dict[tuple[int, int | None, int], tuple[int, float, float, float]] = {}
    for type_id, series_id, bucket, *figures in rows:
        key = (int(type_id), None if series_id is None else int(series_id), int(bucket))
        n, total, low, high = int(figures[0]), float(figures[1]), float(figures[2]), float(figures[3])
        if key in merged:
            was = merged[key]
            n, total, low, high = was[0] + n, was[1] + total, min(was[2], low), max(was[3], high)
        merged[key] = (n, total, low, high)
    return merged


def _by_bucket(item: tuple[tuple[int, int | None, int], Any]) -> tuple[int, int, int]:
    """By measure type (and series), then time, as the buckets are answered."""
    type_id, series_id, bucket = item[0]
    return type_id, series_id or 0, bucket
