"""`mymonit_series` on /metrics: how many series each experiment has, against MAX_SERIES_PER_EXPERIMENT.

Counted by the worker that answers the scrape, at most once per `ttl` seconds, so a scraper (or
many) costs one small grouped query per interval whatever the number of API workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mymonit.domain.errors import Unavailable

log = logging.getLogger(__name__)


class SeriesCounts(Collector):
    def __init__(self, counts: Callable[[], dict[int, int]], ttl: float = 15.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._counts = counts
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._known: dict[int, int] = {}
        self._counted_at = float("-inf")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("mymonit_series", "Series of each experiment", labels=["experiment_id"])
        for experiment_id, count in sorted(self._current().items()):
            family.add_metric([str(experiment_id)], count)
        yield family

    def text(self) -> bytes:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        return generate_latest(registry)

    def _current(self) -> dict[int, int]:
        with self._lock:
            if self._clock() - self._counted_at >= self._ttl:
                try:
                    self._known = self._counts()
                    self._counted_at = self._clock()
                except Unavailable:  # the database is down: the last counts, and the scrape still answers
                    log.warning("series counts unavailable; /metrics shows the last ones")
            return self._known
