"""Experiment and measure-type names to ids, from a cache that learns new names without a restart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from mymonit.ingest.errors import PoisonMessage, Reason

_MAX_REMEMBERED_MISSES = 10_000


@dataclass(frozen=True, slots=True)
class Names:
    experiments: Mapping[str, int] = field(default_factory=dict)
    measure_types: Mapping[str, int] = field(default_factory=dict)


class NameSource(Protocol):
    def load(self) -> Names:
        """Every experiment and measure type now; raises `Unavailable` if the database is down."""
        ...


class NameResolver:
    """Resolves names from the last load; a name it does not know triggers a reload.

    A name still unknown after a reload is remembered as missing for `reload_seconds`, so a flood
    of messages for one unknown experiment costs at most one reload per second and per name, while
    an experiment created a moment ago is found on its first message. Not thread-safe: one per
    consumer loop. `Unavailable` from the source propagates (the caller retries later).
    `generation` changes with every reload: what `ids` answered stays true until it does.
    """

    def __init__(self, source: NameSource, clock: Callable[[], float], reload_seconds: float = 1.0) -> None:
        self._source = source
        self._clock = clock
        self._reload_seconds = reload_seconds
        self._names: Names | None = None
        self.generation = 0
        self._missing: dict[tuple[str, str], float] = {}

    def ids(self, experiment: str, measure: str) -> tuple[int, int]:
        """(experiment_id, type_id); raises `PoisonMessage` for a name unknown even after a reload."""
        names = self._names or self._reload()
        experiment_id = names.experiments.get(experiment)
        type_id = names.measure_types.get(measure)
        if experiment_id is None:
            experiment_id = self._after_miss(("experiment", experiment)).experiments.get(experiment)
            if experiment_id is None:
                raise PoisonMessage(Reason.UNKNOWN_EXPERIMENT, "the experiment does not exist")
        if type_id is None:
            type_id = self._after_miss(("measure", measure)).measure_types.get(measure)
            if type_id is None:
                raise PoisonMessage(Reason.UNKNOWN_MEASURE, "the measure type does not exist")
        return experiment_id, type_id

    def _after_miss(self, key: tuple[str, str]) -> Names:
        """The names to look `key` up in again: reloaded, unless it was missing from a recent load."""
        missed_at = self._missing.get(key)
        if self._names is not None and missed_at is not None and self._clock() - missed_at < self._reload_seconds:
            return self._names
        names = self._reload()
        found = names.experiments if key[0] == "experiment" else names.measure_types
        if key[1] in found:
            self._missing.pop(key, None)
        else:
            if len(self._missing) >= _MAX_REMEMBERED_MISSES:
                self._missing.clear()
            self._missing[key] = self._clock()
        return names

    def _reload(self) -> Names:
        self._names = self._source.load()
        self.generation += 1
        return self._names
