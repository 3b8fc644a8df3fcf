"""Reads of measures: keyset pages, bucketed aggregates and chunked streams, all index-only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from mymonit.domain.model import Bucket
from mymonit.domain.queries import (
    AggregateQuery,
    Cursor,
    MeasurePage,
    MeasureQuery,
    MeasureRow,
    Order,
)
from mymonit.domain.timestamps import SQL_FORMAT, parse_iso_utc
from mymonit.storage.database import Database


def to_db(moment: datetime) -> datetime:
    """DATETIME columns hold naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _series(clauses: list[str], params: list[Any], series_ids: tuple[int, ...] | None) -> None:
    if series_ids is not None:  # none at all: a selector that matched no series
        clauses.append(f"series_id IN ({','.join(['%s'] * len(series_ids))})" if series_ids else "FALSE")
        params.extend(series_ids)


def _index(query: MeasureQuery | AggregateQuery) -> str:
    """The index whose order the query reads in: one series' own, a measure type's, or the experiment's."""
    if query.series_ids is not None and len(query.series_ids) == 1:
        return "ix_measures_series_ts"
    return "ix_measures_experiment_type_ts" if query.type_id is not None else "PRIMARY"


def _where(query: MeasureQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = ["experiment_id = %s"]
    params: list[Any] = [query.experiment_id]
    if query.type_id is not None:
        clauses.append("type_id = %s")
        params.append(query.type_id)
    _series(clauses, params, query.series_ids)
    if query.range.start is not None:
        clauses.append("ts >= %s")
        params.append(to_db(query.range.start))
    if query.range.end is not None:
        clauses.append("ts < %s")
        params.append(to_db(query.range.end))
    if query.after is not None:
        op = ">" if query.order is Order.ASC else "<"
        clauses.append(f"(ts {op} %s OR (ts = %s AND dedup_key {op} %s))")
        ts = to_db(query.after.ts)
        params += [ts, ts, query.after.key]
    return " AND ".join(clauses), params


def page_sql(query: MeasureQuery) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of one page (one row more than asked, to know whether a next page exists)."""
    where, params = _where(query)
    direction = "ASC" if query.order is Order.ASC else "DESC"
    # The primary key (experiment_id, ts, dedup_key) is the cursor's order; a measure type and a
    # series have their own covering index in the same order.
    # Only fixed fragments are interpolated; every value is a bound parameter.
    sql = (
        "SELECT dedup_key, type_id, DATE_FORMAT(ts, %s), value, series_id"  # noqa: S608  # nosec B608
        f" FROM measures FORCE INDEX ({_index(query)})"
        f" WHERE {where} ORDER BY ts {direction}, dedup_key {direction} LIMIT %s"
    )
    return sql, (SQL_FORMAT, *params, query.limit + 1)


def aggregate_sql(query: AggregateQuery) -> tuple[str, tuple[Any, ...]]:
    width_us = max(1, int(query.width / timedelta(microseconds=1)))
    start = to_db(query.start)
    clauses = ["experiment_id = %s", "ts >= %s", "ts < %s"]
    params: list[Any] = [start, width_us, query.experiment_id, start, to_db(query.end)]
    if query.type_id is not None:
        clauses.append("type_id = %s")
        params.append(query.type_id)
    _series(clauses, params, query.series_ids)
    group, series = ("type_id, series_id", "series_id") if query.by_series else ("type_id", "NULL")
    # Only fixed fragments are interpolated; every value is a bound parameter.
    # DIV keeps the bucket arithmetic in integers (`/` would compute DECIMALs for every row).
    sql = (
        f"SELECT type_id, {series}, TIMESTAMPDIFF(MICROSECOND, %s, ts) DIV %s AS bucket,"  # noqa: S608  # nosec B608
        " COUNT(*), MIN(value), MAX(value), AVG(value)"
        f" FROM measures FORCE INDEX ({_index(query)}) WHERE {' AND '.join(clauses)}"
        f" GROUP BY {group}, bucket ORDER BY {group}, bucket"
    )
    return sql, tuple(params)


class MySqlMeasureReader:
    def __init__(self, database: Database) -> None:
        self._db = database

    def page(self, query: MeasureQuery) -> MeasurePage:
        sql, params = page_sql(query)
        rows = self._db.run(lambda c: c.fetch_all(sql, params))
        # The C extension already returns int, int, str, float: no per-row conversion.
        measures = list(map(MeasureRow._make, rows[: query.limit]))
        more = len(rows) > query.limit
        cursor = Cursor(parse_iso_utc(measures[-1].timestamp), measures[-1].key) if more and measures else None
        return MeasurePage(measures, cursor)

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> list[Bucket]:
        sql, params = aggregate_sql(query)
        rows = self._db.run(lambda c: c.fetch_all(sql, params))
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
