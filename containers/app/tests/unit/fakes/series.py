"""In-memory series: the consumer's `SeriesStore` and the services' `SeriesReader`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

from mymonit.domain.series import Labels, Selector, SeriesInfo
from mymonit.ingest.errors import SeriesLimitReached


class FakeSeriesStore:
    def __init__(self) -> None:
        self.series: dict[tuple[int, int, Labels], int] = {}
        self.calls = 0  # round trips the real store would make

    def ensure(self, experiment_id: int, wanted: Sequence[tuple[int, Labels]], limit: int) -> list[int]:
        self.calls += 1
        keys = [(experiment_id, type_id, labels) for type_id, labels in wanted]
        missing = {key for key in keys if key not in self.series}
        if sum(1 for key in self.series if key[0] == experiment_id) + len(missing) > limit:
            raise SeriesLimitReached(experiment_id)
        for key in sorted(missing, key=keys.index):
            self.series[key] = len(self.series) + 1
        return [self.series[key] for key in keys]

    def of_experiment(self, experiment_id: int) -> dict[tuple[int, Labels], int]:
        return {(t, labels): i for (e, t, labels), i in self.series.items() if e == experiment_id}


class FakeSeriesReader:
    """A `SeriesReader` (mymonit.services.ports) over a list of series: (id, experiment, type, labels)."""

    def __init__(self) -> None:
        self.series: list[tuple[int, int, int, Labels]] = []

    def add(self, experiment_id: int, type_id: int, labels: Labels) -> int:
        self.series.append((len(self.series) + 1, experiment_id, type_id, labels))
        return len(self.series)

    def listing(self, experiment_id: int, type_id: int | None, chosen: Selector) -> list[SeriesInfo]:
        chosen_ids = self.matching(experiment_id, type_id, chosen)
        return [SeriesInfo(i, t, labels, None, None) for i, _, t, labels in self.series if i in chosen_ids]

    def matching(self, experiment_id: int, type_id: int | None, chosen: Selector) -> dict[int, Labels]:
        return {i: labels for i, e, t, labels in self.series
                if e == experiment_id and type_id in (None, t) and _selected(labels, chosen)}

    def labels(self, series_ids: Iterable[int]) -> dict[int, Labels]:
        wanted = set(series_ids)
        return {i: labels for i, _, _, labels in self.series if i in wanted}

    def counts(self) -> dict[int, int]:
        return dict(Counter(e for _, e, _, _ in self.series))


def _selected(labels: Labels, chosen: Selector) -> bool:
    tags = json.loads(labels.tags)
    return chosen.sensor in (None, labels.sensor) and all(tags.get(k) == v for k, v in chosen.tags)
