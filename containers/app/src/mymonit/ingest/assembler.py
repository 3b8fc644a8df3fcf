"""From a message body to the rows the measure writer inserts."""

from __future__ import annotations

import time
from collections.abc import Callable

from mymonit.ingest.decoder import Limits, decode
from mymonit.ingest.keys import KeyFunction, KeyMaker
from mymonit.ingest.names import NameResolver
from mymonit.ingest.ports import NewMeasure

_new = tuple.__new__  # builds a named tuple without the Python frame of its generated __new__
_MAX_PAIRS = 4_096


class MeasureAssembler:
    """Decodes, validates and resolves one message into rows, all or nothing.

    Raises `PoisonMessage` when any measure of the message is invalid or names an unknown
    experiment or measure type, and `Unavailable` when the names cannot be reloaded now.
    Timestamps are checked against `wall_clock` (Unix seconds).
    """

    def __init__(self, names: NameResolver, limits: Limits, wall_clock: Callable[[], float] = time.time) -> None:
        self._names = names
        self._limits = limits
        self._wall_clock = wall_clock
        self._keys = KeyMaker()
        # (experiment, measure) → ids and key function, across messages, for one generation of the
        # resolver's names: a stream of single-measure messages resolves its names once, not each time.
        self._resolved: dict[tuple[str, str], tuple[int, int, KeyFunction]] = {}
        self._generation = -1

    def rows(self, body: bytes) -> list[NewMeasure]:
        if self._names.generation != self._generation or len(self._resolved) >= _MAX_PAIRS:
            self._resolved.clear()
            self._generation = self._names.generation
        resolved = self._resolved
        rows = []
        for experiment, measure, micros, value, producer_id in decode(body, self._limits, self._wall_clock()):
            names = resolved.get((experiment, measure))
            if names is None:
                names = resolved[experiment, measure] = self._resolve(experiment, measure)
            experiment_id, type_id, key = names
            rows.append(_new(NewMeasure, (experiment_id, type_id, micros, value, key(micros, value, producer_id))))
        return rows

    def _resolve(self, experiment: str, measure: str) -> tuple[int, int, KeyFunction]:
        return (*self._names.ids(experiment, measure), self._keys.for_names(experiment, measure))
