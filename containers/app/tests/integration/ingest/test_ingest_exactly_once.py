"""Published measures are stored exactly once: single and array messages, resends, competing consumers."""

from __future__ import annotations

from collections.abc import Callable

import orjson

from tests.integration.ingest.ingest_support import (
    T0,
    Consumer,
    Lane,
    publish_bodies,
    publish_with_adapter,
    queue_depth,
    wait_until,
)


def test_every_measure_published_by_the_adapter_is_stored_exactly_once(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumer = consumers()
    values = [float(i) for i in range(3_000)]

    report = publish_with_adapter(lane, values)

    wait_until(lambda: lane.count() >= len(values))
    assert report.measures == len(values)
    assert lane.stored() == [(T0 + v, v) for v in values]
    wait_until(lambda: consumer.value("stored") == len(values))
    assert consumer.value("duplicates") == 0


def test_array_messages_are_stored_whole(lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumers()
    values = [float(i) for i in range(2_500)]

    publish_with_adapter(lane, values, batch=100)

    wait_until(lambda: lane.count() >= len(values))
    assert lane.stored() == [(T0 + v, v) for v in values]


def test_a_message_delivered_twice_is_stored_once_and_counted_as_a_duplicate(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumer = consumers()
    bodies = [orjson.dumps(lane.measure(float(i))) for i in range(200)]

    publish_bodies(lane, bodies)
    wait_until(lambda: consumer.value("stored") == 200)
    publish_bodies(lane, bodies)
    wait_until(lambda: consumer.value("duplicates") == 200)

    assert lane.count() == 200


def test_two_consumers_on_one_queue_store_everything_once(lane: Lane, consumers: Callable[..., Consumer]) -> None:
    values = [float(i) for i in range(4_000)]
    publish_with_adapter(lane, values, batch=10)

    first, second = consumers(INGEST_BATCH_SIZE=50, INGEST_PREFETCH=20), consumers(INGEST_BATCH_SIZE=50,
                                                                                  INGEST_PREFETCH=20)

    wait_until(lambda: lane.count() >= len(values), timeout=60)
    assert lane.stored() == [(T0 + v, v) for v in values]
    wait_until(lambda: first.value("consumed") + second.value("consumed") == len(values) / 10)
    assert first.value("consumed") > 0
    assert second.value("consumed") > 0
    assert queue_depth(lane) == 0


def test_an_experiment_created_while_the_consumer_runs_is_learned_without_a_restart(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumers()
    publish_bodies(lane, [orjson.dumps(lane.measure(1.0))])
    wait_until(lambda: lane.count() == 1)
    newcomer = lane.container.experiment_repository().add(f"{lane.experiment.name}-new")

    publish_bodies(lane, [orjson.dumps(lane.measure(2.0, experiment=newcomer.name))])

    sql = "SELECT value FROM measures WHERE experiment_id = %s"
    database = lane.container.database()
    wait_until(lambda: database.run(lambda c: c.fetch_all(sql, (newcomer.experiment_id,))) == [(2.0,)])
