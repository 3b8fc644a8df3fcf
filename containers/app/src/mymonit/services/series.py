"""Series of an experiment: listed, and chosen by sensor and tags, under the measures' access rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from mymonit.domain.errors import BadLabels, InvalidRequest
from mymonit.domain.model import Caller, Experiment
from mymonit.domain.series import DEFAULT_LABELS, Labels, Selector, SeriesInfo, selector
from mymonit.services.access import require_measure_reader
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.ports import SeriesReader

UNASSIGNED: Final = 0  # measures stored before series existed, not yet moved by the backfill


def choose(sensor: str | None, tags: dict[str, str]) -> Selector:
    """The selector of a read's `sensor=` and `tag.<key>=` parameters; raises `InvalidRequest`."""
    try:
        return selector(sensor, tags)
    except BadLabels as error:
        raise InvalidRequest(str(error)) from None


class SeriesService:
    def __init__(self, reader: SeriesReader, types: MeasureTypeService) -> None:
        self._reader = reader
        self._types = types

    def listing(self, actor: Caller, experiment_id: int, measure: str | None,
                chosen: Selector) -> tuple[Experiment, list[SeriesInfo]]:
        experiment = require_measure_reader(actor, experiment_id)
        return experiment, self._reader.listing(experiment_id, self._types.type_id(measure), chosen)

    def type_names(self) -> dict[int, str]:
        return self._types.names()

    def ids(self, experiment_id: int, type_id: int | None, chosen: Selector) -> tuple[int, ...] | None:
        """The series a read is limited to (None: every series; empty: none matched). Call it only
        once access to the experiment is granted."""
        if chosen.is_everything:
            return None
        return tuple(sorted(self._reader.matching(experiment_id, type_id, chosen)))

    def labels(self, series_ids: Iterable[int]) -> dict[int, Labels]:
        """Id → labels, for the series of rows being shown (unassigned rows: the default labels)."""
        wanted = set(series_ids)
        found = self._reader.labels(wanted - {UNASSIGNED}) if wanted - {UNASSIGNED} else {}
        return {UNASSIGNED: DEFAULT_LABELS, **found}

    def counts(self) -> dict[int, int]:
        return self._reader.counts()
