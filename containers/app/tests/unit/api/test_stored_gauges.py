"""Gauges counted from the database on /metrics (`mymonit_series`): counted at most once per TTL, and
the scrape answers while the database does not."""

from __future__ import annotations

from flask.testing import FlaskClient

from mymonit.api.stored_gauges import gauges_text, series_gauge
from mymonit.domain.errors import Unavailable
from tests.unit.fakes import FakeClock


class Counts:
    def __init__(self) -> None:
        self.answer: dict[int, int] | None = {1: 3, 7: 10_000}
        self.calls = 0

    def __call__(self) -> dict[int, int]:
        self.calls += 1
        if self.answer is None:
            raise Unavailable("the database does not answer")
        return self.answer


def test_each_experiment_is_a_gauge_sample_counted_once_per_ttl() -> None:
    counts, clock = Counts(), FakeClock()
    metric = series_gauge(counts, ttl=15.0, clock=clock)

    first = gauges_text([metric]).decode()
    clock.advance(14.0)
    gauges_text([metric])

    assert 'mymonit_series{experiment_id="1"} 3.0' in first
    assert 'mymonit_series{experiment_id="7"} 10000.0' in first
    assert counts.calls == 1
    clock.advance(1.0)
    gauges_text([metric])
    assert counts.calls == 2


def test_while_the_database_is_down_the_last_counts_are_shown() -> None:
    counts, clock = Counts(), FakeClock()
    metric = series_gauge(counts, ttl=15.0, clock=clock)
    gauges_text([metric])
    counts.answer = None
    clock.advance(20.0)

    assert 'mymonit_series{experiment_id="1"} 3.0' in gauges_text([metric]).decode()


def test_the_api_serves_the_series_counts_on_metrics(client: FlaskClient) -> None:
    body = client.get("/metrics").get_data(as_text=True)

    assert "# TYPE mymonit_series gauge" in body
