"""From a message body to the rows the measure writer inserts."""

from __future__ import annotations

import time
from collections.abc import Callable

from mymonit.domain.series import Labels
from mymonit.ingest.decoder import Limits, decode
from mymonit.ingest.keys import KeyFunction, KeyMaker
from mymonit.ingest.names import NameResolver
from mymonit.ingest.ports import NewMeasure
from mymonit.ingest.series_ids import SeriesIds

_new = tuple.__new__  # builds a named tuple without the Python frame of its generated __new__
_MAX_PAIRS = 4_096
_Resolved = tuple[int, int, KeyFunction, int | None]  # experiment id, type id, key function, series id


class MeasureAssembler:
    """Decodes, validates and resolves one message into rows, all or nothing.

    Raises `PoisonMessage` when any measure of the message is invalid, names an unknown
    experiment or measure type, or would take its experiment past its limit of series; and
    `Unavailable` when names or series cannot be resolved now. Timestamps are checked against
    `wall_clock` (Unix seconds).
    """

    def __init__(self, names: NameResolver, series: SeriesIds, limits: Limits,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._names = names
        self._series = series
        self._limits = limits
        self._wall_clock = wall_clock
        self._keys = KeyMaker()
        # (experiment, measure, labels) → ids, key function and series id, across messages, for one
        # generation of the resolver's names: a stream of single-measure messages resolves once.
        self._resolved: dict[tuple[str, str, Labels], _Resolved] = {}
        self._generation = -1

    def rows(self, body: bytes) -> list[NewMeasure]:
        if self._names.generation != self._generation or len(self._resolved) >= _MAX_PAIRS:
            self._resolved.clear()
            self._generation = self._names.generation
        resolved = self._resolved
        rows: list[NewMeasure] = []
        unknown_series: list[tuple[int, Labels]] = []  # (row index, labels) of series not seen yet
        for experiment, measure, micros, value, producer_id, labels in decode(body, self._limits, self._wall_clock()):
            names = resolved.get((experiment, measure, labels))
            if names is None:
                names = self._resolve(experiment, measure, labels)
            experiment_id, type_id, key, series_id = names
            if series_id is None:
                unknown_series.append((len(rows), labels))
            rows.append(_new(NewMeasure, (experiment_id, type_id, micros, value, key(micros, value, producer_id),
                                          series_id)))
        if unknown_series:
            self._fill_series(rows, unknown_series)
        return rows

    def _resolve(self, experiment: str, measure: str, labels: Labels) -> _Resolved:
        experiment_id, type_id = self._names.ids(experiment, measure)
        series_id = self._series.known(experiment_id, type_id, labels)
        names = (experiment_id, type_id, self._keys.for_names(experiment, measure, labels), series_id)
        if series_id is not None:
            self._resolved[experiment, measure, labels] = names
        return names

    def _fill_series(self, rows: list[NewMeasure], unknown: list[tuple[int, Labels]]) -> None:
        """Resolve (creating) the series first seen in this message, per experiment, all or none."""
        wanted: dict[int, dict[tuple[int, Labels], int]] = {}  # experiment → (type, labels) → id
        for index, labels in unknown:
            wanted.setdefault(rows[index].experiment_id, {})[rows[index].type_id, labels] = 0
        for experiment_id, pairs in wanted.items():
            for pair, series_id in zip(pairs, self._series.resolve(experiment_id, list(pairs)), strict=True):
                pairs[pair] = series_id
        for index, labels in unknown:
            row = rows[index]
            rows[index] = row._replace(series_id=wanted[row.experiment_id][row.type_id, labels])
