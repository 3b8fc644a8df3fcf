"""Reading measures: pages, aggregates for plots, and exports, for associated scientists only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from mymonit.domain.cursors import decode_cursor
from mymonit.domain.errors import InvalidRequest
from mymonit.domain.model import Bucket, Caller, Experiment, MeasureType
from mymonit.domain.queries import (
    DEFAULT_BUCKETS,
    AggregateQuery,
    MeasurePage,
    MeasureQuery,
    MeasureRow,
    Order,
    TimeRange,
)
from mymonit.services.access import require_measure_reader
from mymonit.services.ports import MeasureReader, MeasureTypeRepository

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


class MeasureTypeService:
    def __init__(self, types: MeasureTypeRepository) -> None:
        self._types = types

    def all(self) -> list[MeasureType]:
        """Any registered user may list them; the caller authenticates first."""
        return self._types.all()

    def names(self) -> dict[int, str]:
        return {t.type_id: t.name for t in self._types.all()}

    def type_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        for measure_type in self._types.all():
            if measure_type.name == name:
                return measure_type.type_id
        raise InvalidRequest(f"unknown measure type {name!r}; GET /measure-types/ lists them")


class MeasureService:
    def __init__(self, reader: MeasureReader, types: MeasureTypeService) -> None:
        self._reader = reader
        self._types = types

    def page(self, actor: Caller, experiment_id: int, wanted: MeasureFilter) -> tuple[Experiment, MeasurePage]:
        experiment = require_measure_reader(actor, experiment_id)
        return experiment, self._reader.page(self._query(experiment_id, wanted))

    def export(self, actor: Caller, experiment_id: int,
               wanted: MeasureFilter) -> tuple[Experiment, Iterator[list[MeasureRow]]]:
        """Checks access now (so the caller can still answer 403), then streams lazily."""
        experiment = require_measure_reader(actor, experiment_id)
        return experiment, self._reader.stream(self._query(experiment_id, wanted))

    def aggregate(self, actor: Caller, experiment_id: int, start: datetime, end: datetime,
                  buckets: int = DEFAULT_BUCKETS,
                  measure: str | None = None) -> tuple[Experiment, timedelta, list[Bucket]]:
        """Split [start, end) into `buckets` equal buckets; returns the bucket width and the non-empty buckets."""
        experiment = require_measure_reader(actor, experiment_id)
        if end <= start:  # an empty range has no buckets
            return experiment, timedelta(0), []
        width = max(MIN_BUCKET, _ceil_div(end - start, buckets))
        query = AggregateQuery(experiment_id, start, end, width, self._types.type_id(measure))
        return experiment, width, self._reader.aggregate(query, self._types.names())

    def type_names(self) -> dict[int, str]:
        return self._types.names()

    def _query(self, experiment_id: int, wanted: MeasureFilter) -> MeasureQuery:
        after = decode_cursor(wanted.cursor, experiment_id, wanted.order) if wanted.cursor else None
        return MeasureQuery(
            experiment_id, TimeRange(wanted.start, wanted.end), self._types.type_id(wanted.measure),
            wanted.limit, wanted.order, after,
        )


def _ceil_div(span: timedelta, parts: int) -> timedelta:
    micros = span // MIN_BUCKET
    return MIN_BUCKET * -(-micros // parts)
