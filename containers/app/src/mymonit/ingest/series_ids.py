"""Series labels to series ids, from a cache: a known series costs the consumer no round trip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mymonit.domain.series import Labels
from mymonit.ingest.errors import PoisonMessage, Reason, SeriesLimitReached
from mymonit.ingest.ports import SeriesStore

MAX_REMEMBERED: Final = 200_000


class SeriesIds:
    """Remembers every series id it resolved (up to `MAX_REMEMBERED`, then starts again).

    Not thread-safe: one per consumer loop. A series id never changes once created, so the cache
    needs no invalidation; the store creates what it does not know yet.
    """

    def __init__(self, store: SeriesStore, limit: int) -> None:
        self._store = store
        self._limit = limit
        self._ids: dict[tuple[int, int, Labels], int] = {}

    def known(self, experiment_id: int, type_id: int, labels: Labels) -> int | None:
        return self._ids.get((experiment_id, type_id, labels))

    def resolve(self, experiment_id: int, wanted: Sequence[tuple[int, Labels]]) -> list[int]:
        """The ids of `wanted` (type id, labels) in this experiment, creating them, all or none.

        Raises `PoisonMessage` (`series-limit`) when that would take the experiment past
        MAX_SERIES_PER_EXPERIMENT, and `Unavailable` when the database cannot be reached.
        """
        try:
            ids = self._store.ensure(experiment_id, wanted, self._limit)
        except SeriesLimitReached:
            raise PoisonMessage(Reason.SERIES_LIMIT, f"the experiment would hold more than {self._limit} series"
                                " (MAX_SERIES_PER_EXPERIMENT)") from None
        if len(self._ids) + len(ids) > MAX_REMEMBERED:
            self._ids.clear()
        for (type_id, labels), series_id in zip(wanted, ids, strict=True):
            self._ids[experiment_id, type_id, labels] = series_id
        return ids
