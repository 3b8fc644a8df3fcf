"""The SQL of aggregates served from rollups (docs/design.md, Rollups): where the rolled-up past of
the query's series ends, and the buckets of the minute or hour rollups before it.

Both join `series` for the query's experiment, type and chosen series, and go along the rollup
tables' primary keys (series, minute or hour). Every value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final

from mymonit.domain.model import Resolution
from mymonit.domain.queries import AggregateQuery
from mymonit.domain.timestamps import EPOCH, unix_micros
from mymonit.storage.sql import placeholders

_STEP_MICROS: Final = {Resolution.MINUTE: 60_000_000, Resolution.HOUR: 3_600_000_000}
_TABLE: Final = {Resolution.MINUTE: ("rollup_minute", "minute"), Resolution.HOUR: ("rollup_hour", "hour")}


def minute_of(query: AggregateQuery, bound: str) -> int:
    """The query's start or end in whole minutes since 1970 (both are whole minutes: `resolution_of`)."""
    return int((getattr(query, bound) - EPOCH).total_seconds()) // 60


def unrolled_sql(query: AggregateQuery) -> tuple[str, tuple[Any, ...]]:
    """The first minute of the query's range that a rollup does not hold yet: its earliest dirty
    minute, or where its backlog starts; NULL if every minute is rolled up."""
    start, end = minute_of(query, "start"), minute_of(query, "end")
    chosen, params = _series_of(query, "d")
    backlog, backlog_params = _series_of(query, "b")
    sql = (
        "SELECT LEAST(COALESCE((SELECT MIN(d.minute) FROM rollup_dirty d JOIN series s ON s.series_id = d.series_id"  # noqa: S608  # nosec B608
        f" WHERE {chosen} AND d.minute >= %s AND d.minute < %s), %s),"
        " COALESCE((SELECT MIN(GREATEST(b.from_minute, %s)) FROM rollup_backlog b"
        f" JOIN series s ON s.series_id = b.series_id WHERE {backlog} AND b.from_minute < %s AND b.to_minute >= %s),"
        " %s))"
    )
    return sql, (*params, start, end, end, start, *backlog_params, end, start, end)


def series_sql(query: AggregateQuery) -> tuple[str, tuple[Any, ...]]:
    """The ids of the query's series (its experiment's, of its type, those it chose)."""
    chosen, params = _series_of(query, "s")
    return f"SELECT s.series_id FROM series s WHERE {chosen}", tuple(params)  # noqa: S608  # nosec B608


def rollup_sql(query: AggregateQuery, resolution: Resolution, series: Sequence[int], first: int,
               last: int) -> tuple[str, tuple[Any, ...]]:
    """The buckets of the rollups of `resolution` of these series (`series_sql`, at least one) whose
    step (a minute or an hour since 1970) is in [first, last): (type_id, series_id or NULL, bucket,
    count, sum, min, max) rows. The ids are listed, and the rollup table read first, so that each
    series is one range of its primary key: joined from `series`, MariaDB would read every step of
    each series and filter them (a year of minutes for a day's plot)."""
    table, step = _TABLE[resolution]
    columns, group = ("r.series_id", "s.type_id, r.series_id") if query.by_series else ("NULL", "s.type_id")
    width = max(1, query.width // timedelta(microseconds=1))
    sql = (
        f"SELECT s.type_id, {columns}, (r.{step} * {_STEP_MICROS[resolution]} - %s) DIV %s AS bucket,"  # noqa: S608  # nosec B608
        f" SUM(r.n), SUM(r.total), MIN(r.low), MAX(r.high) FROM {table} r STRAIGHT_JOIN series s"
        f" ON s.series_id = r.series_id WHERE r.series_id IN ({placeholders(len(series))})"
        f" AND r.{step} >= %s AND r.{step} < %s GROUP BY {group}, bucket"
    )
    return sql, (unix_micros(query.start), width, *series, first, last)


def _series_of(query: AggregateQuery, alias: str) -> tuple[str, list[Any]]:
    """The clauses choosing the query's series (`s` joined to the rollup table `alias`)."""
    clauses, params = ["s.experiment_id = %s"], [query.experiment_id]
    if query.type_id is not None:
        clauses.append("s.type_id = %s")
        params.append(query.type_id)
    if query.series_ids is not None:
        clauses.append(f"{alias}.series_id IN ({placeholders(len(query.series_ids))})" if query.series_ids else "FALSE")
        params += query.series_ids
    return " AND ".join(clauses), params
