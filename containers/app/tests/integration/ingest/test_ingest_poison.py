"""A mix of good and bad messages: exactly the good ones are stored, exactly the bad ones dead-lettered with reasons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import orjson

from mymonit.domain.errors import Unavailable
from mymonit.ingest.names import Names
from mymonit.storage.ingest_names import MySqlNameSource
from tests.integration.ingest.ingest_support import (
    T0,
    Consumer,
    Lane,
    dead_letters,
    publish_bodies,
    queue_depth,
    wait_until,
)

MAX_BODY = 4_096


def bad_messages(lane: Lane) -> dict[bytes, str]:
    """Each bad body and the reason it must be dead-lettered with."""
    good = lane.measure(1.0)
    return {
        b'{"experiment": ': "bad-json",
        b"\xff\xfe\x00garbage": "not-utf8",
        orjson.dumps(good).replace(b"1.0,", b"NaN,"): "not-finite",
        orjson.dumps(good).replace(b"1.0,", b"Infinity,"): "not-finite",
        orjson.dumps({k: v for k, v in good.items() if k != "value"}): "missing-field",
        orjson.dumps({**good, "value": "101.5"}): "wrong-type",
        orjson.dumps({**good, "value": True}): "wrong-type",
        orjson.dumps(lane.measure(2.0, experiment="no-such-experiment")): "unknown-experiment",
        orjson.dumps(lane.measure(3.0, measure="furlong")): "unknown-measure",
        orjson.dumps(lane.measure(4.0, at=-5)): "bad-timestamp",
        orjson.dumps(lane.measure(5.0, at=T0 * 1000)): "bad-timestamp",
        orjson.dumps(lane.measure(6.0, at="2022-04-06T07:00:00")): "bad-timestamp",
        orjson.dumps({**good, "pad": "x" * MAX_BODY}): "too-large",
        orjson.dumps([lane.measure(7.0), lane.measure(8.0), {**lane.measure(9.0), "value": None}]): "wrong-type",
        orjson.dumps("just a string"): "bad-shape",
        orjson.dumps([]): "bad-shape",
    }


def test_stores_exactly_the_good_messages_and_dead_letters_exactly_the_bad_ones_with_reasons(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumer = consumers(INGEST_MAX_BODY_BYTES=MAX_BODY)
    bad = bad_messages(lane)
    good_values = [100.0 + i for i in range(50)]
    good = [orjson.dumps(lane.measure(v)) for v in good_values]
    mixed = [body for pair in zip(good, [*bad, *[None] * len(good)], strict=False) for body in pair if body]

    publish_bodies(lane, mixed)

    wait_until(lambda: consumer.value("consumed") == len(mixed))
    wait_until(lambda: queue_depth(lane) == 0 and lane.count() == len(good_values))
    letters = dead_letters(lane)
    assert lane.stored() == [(T0 + v, v) for v in good_values]
    assert Counter(body for _headers, body in letters) == Counter(bad.keys())
    assert {body: headers["x-mymonit-reason"] for headers, body in letters} == bad
    assert all(headers["x-mymonit-error"] and headers["x-mymonit-routing-key"] == "measures"
               for headers, _body in letters)
    assert consumer.value("dead_lettered", reason="bad-timestamp") == 3
    assert consumer.thread.is_alive()


def test_the_array_with_one_bad_measure_stores_none_of_its_measures(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    consumers()
    publish_bodies(lane, [orjson.dumps([lane.measure(1.0), {**lane.measure(2.0), "timestamp": "soon"}])])

    wait_until(lambda: queue_depth(lane, lane.topology.dead_queue) == 1)
    [(headers, _body)] = dead_letters(lane)

    assert headers["x-mymonit-error"].startswith("measure 1:")
    assert lane.count() == 0


def test_measures_for_an_experiment_deleted_under_a_running_consumer_are_dead_lettered_not_lost(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    experiments, database = lane.container.experiment_repository(), lane.container.database()
    doomed = experiments.add(f"{lane.experiment.name}-doomed")

    def doomed_rows() -> int:
        sql = "SELECT COUNT(*) FROM measures WHERE experiment_id = %s"
        return int(database.run(lambda c: c.fetch_all(sql, (doomed.experiment_id,)))[0][0])

    consumer = consumers()
    publish_bodies(lane, [orjson.dumps(lane.measure(1.0)), orjson.dumps(lane.measure(2.0, experiment=doomed.name))])
    wait_until(lambda: lane.count() == 1 and doomed_rows() == 1)  # the consumer has learnt the name
    database.run(lambda c: c.execute("DELETE FROM measures WHERE experiment_id = %s", (doomed.experiment_id,)))
    experiments.delete(doomed.experiment_id)

    later = [orjson.dumps(lane.measure(3.0, experiment=doomed.name)), orjson.dumps(lane.measure(4.0))]
    publish_bodies(lane, later)

    # The name is still in the consumer's cache: the measures' foreign key refuses the row.
    wait_until(lambda: consumer.value("dead_lettered", reason="refused-by-database") == 1 and lane.count() == 2)
    (headers, body), = dead_letters(lane)
    assert body == later[0]
    assert headers["x-mymonit-reason"] == "refused-by-database"
    assert lane.stored() == [(T0 + 1.0, 1.0), (T0 + 4.0, 4.0)]
    assert queue_depth(lane) == 0


class FailingNames:
    """The real names, but the loads after the first raise the given errors, one per load."""

    def __init__(self, lane: Lane, *errors: Exception) -> None:
        self._source = MySqlNameSource(lane.container.database())
        self._errors = list(errors)
        self.loads = 0

    def load(self) -> Names:
        self.loads += 1
        if self.loads > 1 and self._errors:
            raise self._errors.pop(0)
        return self._source.load()


def test_a_new_experiment_is_learnt_once_the_names_can_be_loaded_again(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    names = FailingNames(lane, Unavailable("the database is down"), Unavailable("still down"))
    consumer = consumers(names=names)
    publish_bodies(lane, [orjson.dumps(lane.measure(1.0))])
    wait_until(lambda: lane.count() == 1)  # the names of before are loaded
    newcomer = lane.container.experiment_repository().add(f"{lane.experiment.name}-new")

    publish_bodies(lane, [orjson.dumps(lane.measure(2.0, experiment=newcomer.name)), orjson.dumps(lane.measure(3.0))])

    wait_until(lambda: consumer.value("consumed") == 3 and lane.count() == 2)
    stored = lane.container.database().run(
        lambda c: c.fetch_all("SELECT value FROM measures WHERE experiment_id = %s", (newcomer.experiment_id,)))
    assert stored == [(2.0,)]
    assert consumer.value("failures", component="database") == 2
    assert names.loads == 4  # at start, the two failures, the load that found the newcomer
    assert dead_letters(lane) == []


def test_an_unexpected_error_while_assembling_dead_letters_that_message_only(
        lane: Lane, consumers: Callable[..., Consumer]) -> None:
    names = FailingNames(lane, RuntimeError("a bug"))
    consumer = consumers(names=names)
    publish_bodies(lane, [orjson.dumps(lane.measure(1.0))])
    wait_until(lambda: lane.count() == 1)  # the names of before are loaded

    publish_bodies(lane, [orjson.dumps(lane.measure(2.0, experiment="not-yet-known")),
                          orjson.dumps(lane.measure(3.0))])

    wait_until(lambda: consumer.value("dead_lettered", reason="unexpected-error") == 1 and lane.count() == 2)
    (headers, _body), = dead_letters(lane)
    assert headers["x-mymonit-error"] == "RuntimeError"
    assert consumer.thread.is_alive()
