"""Prometheus metrics of the HTTP API; aggregated across the API workers in multiprocess mode.

`mymonit serve` sets PROMETHEUS_MULTIPROC_DIR before the workers start, so every worker's
figures add up in one scrape.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter("mymonit_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "mymonit_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class _Series:
    """The labelled counter and histogram of one (method, route, status), looked up once."""

    __slots__ = ("latency", "requests")

    def __init__(self, method: str, route: str, status: int) -> None:
        self.requests = REQUESTS.labels(method, route, str(status))
        self.latency = LATENCY.labels(method, route)


# Any other method a client invents is counted as OTHER, so it cannot add series without bound.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def install_metrics(app: Flask) -> None:
    series: dict[tuple[str, str, int], _Series] = {}  # bounded: the methods, routes and statuses there are

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        rule = request.url_rule
        method = request.method if request.method in _METHODS else "OTHER"
        key = (method, rule.rule if rule else "unmatched", response.status_code)
        found = series.get(key)
        if found is None:
            found = series.setdefault(key, _Series(*key))
        found.requests.inc()
        found.latency.observe(elapsed)
        return response


def metrics_text() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client lacks hints here
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
