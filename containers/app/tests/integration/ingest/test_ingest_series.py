"""Series on the real broker and database: sensors told apart, redeliveries absorbed, old keys kept,
bad labels and the series limit dead-lettered while the consumer goes on (docs/design.md, Series)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import orjson

from mymonit.domain.dedup import dedup_key
from tests.integration.ingest.ingest_support import (
    T0,
    Consumer,
    Lane,
    dead_letters,
    publish_bodies,
    queue_depth,
    wait_until,
)


def _rows(lane: Lane) -> list[tuple[str | None, str, float, int]]:
    """(sensor, tags, value, dedup key) of every row of the lane's experiment."""
    sql = ("SELECT s.sensor, s.tags, m.value, m.dedup_key FROM measures m JOIN series s USING (series_id)"
           " WHERE m.experiment_id = %s ORDER BY s.sensor, m.ts, m.dedup_key")
    rows = lane.container.database().run(lambda c: c.fetch_all(sql, (lane.experiment.experiment_id,)))
    return [(sensor, str(tags), float(value), int(key)) for sensor, tags, value, key in rows]


def test_two_sensors_reporting_the_same_value_in_the_same_microsecond_are_two_rows_and_a_redelivery_is_none(
    lane: Lane, consumers: Callable[..., Consumer],
) -> None:
    consumer = consumers()
    north = orjson.dumps(lane.measure(5.0, sensor="north", tags={"rack": "a"}))
    south = orjson.dumps(lane.measure(5.0, sensor="south", tags={"rack": "a"}))

    publish_bodies(lane, [north, south, north, south])

    wait_until(lambda: consumer.value("consumed") == 4 and queue_depth(lane) == 0)
    assert [(sensor, tags, value) for sensor, tags, value, _ in _rows(lane)] == [
        ("north", '{"rack":"a"}', 5.0), ("south", '{"rack":"a"}', 5.0)]


def test_a_measure_without_labels_keeps_the_dedup_key_it_had_before_series_existed(
    lane: Lane, consumers: Callable[..., Consumer],
) -> None:
    consumer = consumers()
    publish_bodies(lane, [orjson.dumps(lane.measure(1.5)), orjson.dumps(lane.measure(1.5, id="run-7"))])

    wait_until(lambda: consumer.value("consumed") == 2 and lane.count() == 2)
    moment = datetime.fromtimestamp(T0 + 1.5, UTC)
    assert sorted(key for *_, key in _rows(lane)) == sorted([
        dedup_key(lane.experiment.name, "hertz", moment, 1.5), dedup_key(lane.experiment.name, "hertz", moment, 1.5,
                                                                          "run-7")])
    assert {(sensor, tags) for sensor, tags, *_ in _rows(lane)} == {(None, "{}")}


def test_bad_labels_and_the_series_limit_are_dead_lettered_with_their_reasons_and_the_consumer_goes_on(
    lane: Lane, consumers: Callable[..., Consumer],
) -> None:
    consumer = consumers(MAX_SERIES_PER_EXPERIMENT=3)
    bad = {
        orjson.dumps(lane.measure(1.0, sensor="")): "bad-sensor",
        orjson.dumps(lane.measure(2.0, tags={"Rack": "a"})): "bad-tags",
        orjson.dumps(lane.measure(3.0, tags={f"k{n}": "v" for n in range(9)})): "bad-tags",
        # With the default series and s0, s1: one more than the limit of 3, so none of it is stored.
        orjson.dumps([lane.measure(4.0, sensor="s2"), lane.measure(5.0, sensor="s3")]): "series-limit",
    }
    good = [orjson.dumps(lane.measure(10.0)), orjson.dumps(lane.measure(11.0, sensor="s0")),
            orjson.dumps(lane.measure(12.0, sensor="s1"))]

    publish_bodies(lane, [*good, *bad, orjson.dumps(lane.measure(13.0, sensor="s1"))])

    wait_until(lambda: consumer.value("consumed") == len(good) + len(bad) + 1 and queue_depth(lane) == 0)
    assert {body: headers["x-mymonit-reason"] for headers, body in dead_letters(lane)} == bad
    assert [value for *_, value, _key in _rows(lane)] == [10.0, 11.0, 12.0, 13.0]  # default series first
    assert consumer.thread.is_alive()
