"""The SQL of the measure reads: keyset pages and bucketed aggregates, each along one index.

Every measure is in one series, so a measure type's rows are those of its series (docs/design.md,
Series). A read of a few series goes along `ix_measures_series_ts`, which holds each series' rows
in the cursor's order (ts, dedup_key) and carries the type and value: a page merges at most
`MOST_MERGED` series' ranges, each cut to the page's length, and an aggregate scans at most
`MOST_SCANNED` series' ranges. A read of more series, or of the whole experiment, goes along the
primary key (experiment_id, ts, dedup_key) and filters. Only fixed fragments are interpolated;
every value is a bound parameter.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from mymonit.domain.queries import AggregateQuery, MeasureQuery, Order
from mymonit.domain.timestamps import SQL_FORMAT
from mymonit.storage.session import Connection
from mymonit.storage.sql import placeholders, to_db

MOST_MERGED: Final = 32
MOST_SCANNED: Final = 1_000
SERIES_INDEX: Final = "ix_measures_series_ts"
# Series 0 holds the rows the upgrade to series has not moved yet (storage/series_backfill.py): a
# type's reads include it, and its rows are told apart by their type.
PENDING_SERIES: Final = 0
_TYPE_SERIES = "SELECT series_id FROM series WHERE experiment_id = %s AND type_id = %s LIMIT %s"
_PAGE_COLUMNS = "dedup_key, type_id, DATE_FORMAT(ts, %s), value, series_id"

Scope = tuple[int, ...] | None
"""The series a read goes through along the series index; None: along the primary key."""


def read_scope(connection: Connection, query: MeasureQuery | AggregateQuery, most: int) -> Scope:
    """The series of a query, when at most `most` and it names some: those it chose, or its type's."""
    if query.series_ids is not None:
        return query.series_ids if 0 < len(query.series_ids) <= most else None
    if query.type_id is None:
        return None
    rows = connection.fetch_all(_TYPE_SERIES, (query.experiment_id, query.type_id, most))
    return (PENDING_SERIES, *(int(r[0]) for r in rows)) if len(rows) < most else None


def page_sql(query: MeasureQuery, scope: Scope) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of one page (one row more than asked, to know whether a next page exists)."""
    direction = "ASC" if query.order is Order.ASC else "DESC"
    order = f"ORDER BY ts {direction}, dedup_key {direction} LIMIT %s"
    rows = query.limit + 1
    if scope is None:
        where, params = _where(query, _series_filter(query.series_ids))
        return (f"SELECT {_PAGE_COLUMNS} FROM measures FORCE INDEX (PRIMARY) WHERE {where} {order}",  # noqa: S608  # nosec B608
                (SQL_FORMAT, *params, rows))
    parts: list[str] = []
    params = []
    columns = _PAGE_COLUMNS if len(scope) == 1 else "dedup_key, type_id, ts, value, series_id"  # merged: ts sorts
    for series_id in scope:
        where, part_params = _where(query, ("series_id = %s", [series_id]))
        parts.append(f"SELECT {columns} FROM measures FORCE INDEX ({SERIES_INDEX}) WHERE {where} {order}")  # noqa: S608  # nosec B608
        params += [*part_params, rows]
    if len(parts) == 1:
        return parts[0], (SQL_FORMAT, *params)
    merged = " UNION ALL ".join(f"({part})" for part in parts)
    return (f"SELECT {_PAGE_COLUMNS} FROM ({merged}) AS merged {order}",  # noqa: S608  # nosec B608
            (SQL_FORMAT, *params, rows))


def aggregate_sql(query: AggregateQuery, scope: Scope, lower: datetime, upper: datetime) -> tuple[str, tuple[Any, ...]]:
    """The buckets of the raw rows in [lower, upper) (within the query's range; buckets counted from
    its start): (type_id, series_id or NULL, bucket, count, sum, min, max) rows."""
    width_us = max(1, int(query.width / timedelta(microseconds=1)))
    clauses, chosen = _chosen(query.experiment_id, query.type_id,
                              _series_filter(scope if scope is not None else query.series_ids))
    clauses += ["ts >= %s", "ts < %s"]
    params: list[Any] = [to_db(query.start), width_us, *chosen, to_db(lower), to_db(upper)]
    index = "PRIMARY" if scope is None else SERIES_INDEX
    group, series = ("type_id, series_id", "series_id") if query.by_series else ("type_id", "NULL")
    # DIV keeps the bucket arithmetic in integers (`/` would compute DECIMALs for every row).
    sql = (
        f"SELECT type_id, {series}, TIMESTAMPDIFF(MICROSECOND, %s, ts) DIV %s AS bucket,"  # noqa: S608  # nosec B608
        " COUNT(*), SUM(value), MIN(value), MAX(value)"
        f" FROM measures FORCE INDEX ({index}) WHERE {' AND '.join(clauses)}"
        f" GROUP BY {group}, bucket"
    )
    return sql, tuple(params)


def _series_filter(series_ids: tuple[int, ...] | None) -> tuple[str, list[Any]]:
    if series_ids is None:
        return "", []
    if not series_ids:  # a selector that matched no series
        return "FALSE", []
    return f"series_id IN ({placeholders(len(series_ids))})", list(series_ids)


def _chosen(experiment_id: int, type_id: int | None, series: tuple[str, list[Any]]) -> tuple[list[str], list[Any]]:
    """The clauses (and their parameters) that choose the rows of a read, before its time range."""
    clauses: list[str] = ["experiment_id = %s"]
    params: list[Any] = [experiment_id]
    if type_id is not None:
        clauses.append("type_id = %s")
        params.append(type_id)
    if series[0]:
        clauses.append(series[0])
        params += series[1]
    return clauses, params


def _where(query: MeasureQuery, series: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    clauses, params = _chosen(query.experiment_id, query.type_id, series)
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
