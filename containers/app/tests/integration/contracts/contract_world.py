"""What a contract case works on: every storage port over one world, and builders for its rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from mymonit.domain.model import Experiment
from mymonit.domain.queries import MeasurePage, MeasureQuery, MeasureRow, Order, TimeRange
from mymonit.ingest.ports import MeasureSink, NewMeasure
from mymonit.services.ports import (
    AlertRuleRepository,
    AssociationRepository,
    ExperimentRepository,
    MeasureReader,
    MeasureTypeRepository,
    UserRepository,
)


@dataclass(frozen=True)
class Storage:
    """The ports of the fakes over one in-memory store, or of the MariaDB adapters over one database."""

    users: UserRepository
    experiments: ExperimentRepository
    associations: AssociationRepository
    measure_types: MeasureTypeRepository
    reader: MeasureReader
    sink: MeasureSink
    alert_rules: AlertRuleRepository
    # Makes the series the measures name exist, as the consumer does before it writes them: the
    # database reads a measure type through its series (docs/design.md, Series); the fakes need none.
    make_series: Callable[[Iterable[NewMeasure]], None] = field(default=lambda _: None)

    def store(self, *measures: NewMeasure) -> int:
        """Write the measures as the consumer does; how many were new."""
        self.make_series(measures)
        return self.sink.write(self.sink.prepare(measures))

    def rows(self, experiment: Experiment, order: Order = Order.ASC) -> list[MeasureRow]:
        """Every row of the experiment, in one page."""
        page: MeasurePage = self.reader.page(MeasureQuery(experiment.experiment_id, TimeRange(), limit=10_000,
                                                          order=order))
        return page.rows


def a_measure(experiment: Experiment, moment: datetime, value: float = 1.0, key: int = 1, *, type_id: int = 10,
              series_id: int = 1) -> NewMeasure:
    """A hertz measure of series 1 unless told otherwise (each series of one experiment and type)."""
    return NewMeasure.at(experiment.experiment_id, type_id, moment, value, key, series_id)
