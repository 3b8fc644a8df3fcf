"""Values that describe what a caller asks of the measures of one experiment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from mymonit.domain.model import Resolution
from mymonit.domain.timestamps import EPOCH

MAX_PAGE = 10_000
DEFAULT_PAGE = 1_000
MAX_BUCKETS = 10_000
DEFAULT_BUCKETS = 1_000


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended: the last row's timestamp and dedup key (keys break ties)."""

    ts: datetime
    key: int


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Half-open [start, end); either bound may be open."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class MeasureQuery:
    """`series_ids`: only the measures of these series (None: of every series)."""

    experiment_id: int
    range: TimeRange
    type_id: int | None = None
    limit: int = DEFAULT_PAGE
    order: Order = Order.ASC
    after: Cursor | None = None
    series_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class AggregateQuery:
    """`series_ids` as in `MeasureQuery`; `by_series`: one bucket per series, not per measure type."""

    experiment_id: int
    start: datetime
    end: datetime
    width: timedelta
    type_id: int | None = None
    series_ids: tuple[int, ...] | None = None
    by_series: bool = False


class MeasureRow(NamedTuple):
    """A measure as read back for display, with the dedup key that pagination needs.

    `timestamp` is already in its one text form (`domain.timestamps.iso_utc`): a page of a
    thousand rows is shown, never computed with, so it is formatted once, by the database.
    A named tuple: a page makes a thousand of them, and a frozen dataclass costs ~5x as much
    to build.
    """

    key: int
    type_id: int
    timestamp: str
    value: float
    series_id: int = 0


@dataclass(frozen=True, slots=True)
class MeasurePage:
    rows: list[MeasureRow]
    next_cursor: Cursor | None


ROLLUP_STEPS: dict[Resolution, timedelta] = {  # coarsest first
    Resolution.HOUR: timedelta(hours=1), Resolution.MINUTE: timedelta(minutes=1)}


def resolution_of(query: AggregateQuery) -> Resolution:
    """The coarsest rollup whose buckets tile the query's: its start, end and bucket width are
    whole multiples of the rollup's step; RAW if none does (and before 1970, never rolled up)."""
    if query.start < EPOCH:
        return Resolution.RAW
    for resolution, step in ROLLUP_STEPS.items():
        if all(span % step == timedelta(0) for span in (query.start - EPOCH, query.end - EPOCH, query.width)):
            return resolution
    return Resolution.RAW
