"""Reading measures: pages, aggregates for plots, and exports, for associated scientists only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from mymonit.domain.cursors import decode_cursor
from mymonit.domain.model import Aggregate, Caller, Experiment
from mymonit.domain.queries import (
    DEFAULT_BUCKETS,
    AggregateQuery,
    MeasurePage,
    MeasureQuery,
    MeasureRow,
    Order,
    TimeRange,
)
from mymonit.domain.series import EVERY_SERIES, Labels, Selector
from mymonit.services.access import require_measure_reader
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.ports import MeasureReader
from mymonit.services.series import SeriesService

MIN_BUCKET = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class MeasureFilter:
    """What a caller asks for, before names are resolved."""

    start: datetime | None = None
    end: datetime | None = None
    measure: str | None = None
    limit: int = 1_000
    order: Order = Order.ASC
    cursor: str | None = None  # opaque, from the previous page; decoded only once access is granted
    selector: Selector = EVERY_SERIES  # the sensor and tags the series must have


class MeasureService:
    def __init__(self, reader: MeasureReader, types: MeasureTypeService, series: SeriesService) -> None:
        self._reader = reader
        self._types = types
        self._series = series

    def page(self, actor: Caller, experiment_id: int, wanted: MeasureFilter) -> tuple[Experiment, MeasurePage]:
        experiment = require_measure_reader(actor, experiment_id)
        return experiment, self._reader.page(self._query(experiment_id, wanted))

    def export(self, actor: Caller, experiment_id: int,
               wanted: MeasureFilter) -> tuple[Experiment, Iterator[list[MeasureRow]]]:
        """Checks access now (so the caller can still answer 403), then streams lazily."""
        experiment = require_measure_reader(actor, experiment_id)
        return experiment, self._reader.stream(self._query(experiment_id, wanted))

    def aggregate(self, actor: Caller, experiment_id: int, start: datetime, end: datetime,  # one each
                  buckets: int = DEFAULT_BUCKETS, measure: str | None = None, chosen: Selector = EVERY_SERIES,
                  *, by_series: bool = False) -> tuple[Experiment, timedelta, Aggregate]:
        """Split [start, end) into `buckets` equal buckets; returns the bucket width and the non-empty
        buckets, one set per measure type, or per series with `by_series`, and what served them."""
        experiment = require_measure_reader(actor, experiment_id)
        if end <= start:  # an empty range has no buckets
            return experiment, timedelta(0), Aggregate([])
        width = max(MIN_BUCKET, _ceil_div(end - start, buckets))
        type_id = self._types.type_id(measure)
        query = AggregateQuery(experiment_id, start, end, width, type_id,
                               self._series.ids(experiment_id, type_id, chosen), by_series)
        return experiment, width, self._reader.aggregate(query, self._types.names())

    def type_names(self) -> dict[int, str]:
        return self._types.names()

    def labels(self, series_ids: Iterable[int]) -> dict[int, Labels]:
        """Id → labels of the series of rows or buckets being answered."""
        return self._series.labels(series_ids)

    def _query(self, experiment_id: int, wanted: MeasureFilter) -> MeasureQuery:
        after = decode_cursor(wanted.cursor, experiment_id, wanted.order) if wanted.cursor else None
        type_id = self._types.type_id(wanted.measure)
        return MeasureQuery(
            experiment_id, TimeRange(wanted.start, wanted.end), type_id, wanted.limit, wanted.order, after,
            self._series.ids(experiment_id, type_id, wanted.selector),
        )


def _ceil_div(span: timedelta, parts: int) -> timedelta:
    micros = span // MIN_BUCKET
    return MIN_BUCKET * -(-micros // parts)
