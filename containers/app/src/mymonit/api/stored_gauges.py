"""Gauges on /metrics counted from the database: `mymonit_series` (series of each experiment,
against MAX_SERIES_PER_EXPERIMENT) and `mymonit_alerts_firing` (alerts firing, by experiment and
severity).

Counted by the worker that answers the scrape, at most once per `ttl` seconds, so a scraper (or
many) costs one small grouped query per interval whatever the number of API workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mymonit.domain.errors import Unavailable

log = logging.getLogger(__name__)
Counts = Mapping[tuple[str, ...], float]  # a sample's label values -> its value


class StoredGauge(Collector):
    def __init__(self, name: str, documentation: str, labels: Sequence[str], counts: Callable[[], Counts],
                 ttl: float = 15.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._name = name
        self._documentation = documentation
        self._labels = list(labels)
        self._counts = counts
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._known: Counts = {}
        self._counted_at = float("-inf")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self._name, self._documentation, labels=self._labels)
        for values, count in sorted(self._current().items()):
            family.add_metric(list(values), count)
        yield family

    def _current(self) -> Counts:
        with self._lock:
            if self._clock() - self._counted_at >= self._ttl:
                try:
                    self._known = self._counts()
                    self._counted_at = self._clock()
                except Unavailable:  # the database is down: the last counts, and the scrape still answers
                    log.warning("%s unavailable; /metrics shows the last ones", self._name)
            return self._known


def gauges_text(gauges: Sequence[StoredGauge]) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    for gauge in gauges:
        registry.register(gauge)
    return generate_latest(registry)


def series_gauge(counts: Callable[[], dict[int, int]], ttl: float = 15.0,
                 clock: Callable[[], float] = time.monotonic) -> StoredGauge:
    return StoredGauge("mymonit_series", "Series of each experiment", ["experiment_id"],
                       lambda: {(str(experiment_id),): n for experiment_id, n in counts().items()}, ttl, clock)


def firing_gauge(counts: Callable[[], dict[tuple[int, str], int]]) -> StoredGauge:
    return StoredGauge("mymonit_alerts_firing", "Alerts firing, by experiment and severity",
                       ["experiment_id", "severity"],
                       lambda: {(str(experiment_id), severity): n for (experiment_id, severity), n in counts().items()})
