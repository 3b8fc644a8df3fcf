"""The consumer's core without a broker: the session and the listener over the fake channel.

Ack only after commit, dead letters with their reason, a stop while the database is down leaves
everything unacked, retries back off, and a lost connection redelivers without a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import orjson
import pytest
from prometheus_client import CollectorRegistry

from mymonit.audit import AuditTrail
from mymonit.domain.errors import Unavailable
from mymonit.ingest.assembler import MeasureAssembler
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.consumer_parts import ConsumerParts
from mymonit.ingest.decoder import Limits
from mymonit.ingest.errors import Abandoned
from mymonit.ingest.lifecycle import StopFlag
from mymonit.ingest.listener import RabbitListener
from mymonit.ingest.names import NameResolver, Names
from mymonit.ingest.ports import PreparedRows
from mymonit.ingest.series_ids import SeriesIds
from mymonit.ingest.session import ConsumerSession
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology
from tests.unit.builders import a_store
from tests.unit.fakes import FakeMeasureSink, FakeSeriesStore, InMemoryStore
from tests.unit.fakes.broker import FakeBroker, FakeChannel

T0 = 1_649_228_400.0


def body(value: float, experiment: str = "device-vibrations") -> bytes:
    return orjson.dumps({"experiment": experiment, "measure": "hertz", "value": value, "timestamp": T0 + value})


class DemoNames:
    """The demo's names, unavailable for the first `down` loads; "gone-experiment" resolves to an id the
    store does not hold, so the database refuses its rows."""

    def __init__(self, down: int = 0) -> None:
        self.down = down

    def load(self) -> Names:
        if self.down:
            self.down -= 1
            raise Unavailable("database unreachable")
        return Names({"device-vibrations": 1, "black-holes": 2, "gone-experiment": 3}, {"hertz": 10})


class Sink(FakeMeasureSink):
    """The fake sink, down for its first `down` writes; it notes how much was acked when each write began."""

    def __init__(self, store: InMemoryStore, broker: FakeBroker, down: int = 0) -> None:
        super().__init__(store)
        self.broker = broker
        self.down = down
        self.acked_at_write: list[int] = []
        self.on_write: Callable[[], None] = lambda: None

    def write(self, rows: PreparedRows) -> int:
        self.acked_at_write.append(len(self.broker.acked))
        self.on_write()
        if self.down:
            self.down -= 1
            raise Unavailable("database unreachable")
        return super().write(rows)


class World:
    """A consumer's parts over the fake broker, the fake store and a fake clock; it stops once idle."""

    def __init__(self, *, names_down: int = 0, db_down: int = 0, batch_size: int = 3) -> None:
        self.broker = FakeBroker()
        self.store = a_store()
        self.sink = Sink(self.store, self.broker, db_down)
        self.registry = CollectorRegistry()
        self.stop = StopFlag()
        settings = IngestSettings(INGEST_BATCH_SIZE=batch_size, INGEST_BATCH_MS=50, INGEST_RETRY_MAX_SECONDS=0.01)
        clock = self.broker.clock
        assembler = MeasureAssembler(NameResolver(DemoNames(names_down), clock, 0.0),
                                     SeriesIds(FakeSeriesStore(), limit=100), Limits(), wall_clock=lambda: T0 + 3600)
        self.parts = ConsumerParts(Topology("measures", "measures", "measures"), settings, assembler, self.sink,
                                   ConsumerMetrics(self.registry), AuditTrail(logging.getLogger("test")), self.stop,
                                   clock=clock)
        self.broker.on_idle = self.stop.request  # once everything is settled

    def connect(self) -> FakeChannel:
        return self.broker.connect(self.parts.settings.INGEST_PREFETCH)

    def run_session(self) -> None:
        channel = self.connect()
        try:
            ConsumerSession(channel, self.parts).run()
        finally:
            channel.close()

    def run_listener(self) -> None:
        RabbitListener(self.connect, self.parts).run()

    def stored_values(self) -> list[float]:
        return sorted(row.value for _, row in self.store.measures)

    def failures(self, component: str) -> float:
        value = self.registry.get_sample_value("mymonit_ingest_transient_failures_total", {"component": component})
        return value or 0.0


def test_each_batch_is_acked_only_after_its_commit() -> None:
    world = World(batch_size=3)
    world.broker.publish(*(body(v) for v in range(1, 8)))

    world.run_session()

    assert world.stored_values() == [1, 2, 3, 4, 5, 6, 7]
    assert world.broker.acked == [body(v) for v in range(1, 8)]
    # Every write began before anything of its own batch was acked: the acks trail the commits.
    assert world.sink.acked_at_write == sorted(world.sink.acked_at_write)
    assert all(acked < 7 for acked in world.sink.acked_at_write)
    assert not world.broker.queue
    assert not world.broker.dead


def test_a_poison_message_is_dead_lettered_with_its_reason_and_acked_with_its_batch() -> None:
    world = World()
    world.broker.publish(body(1), b"{not json", body(2))

    world.run_session()

    assert [(d.body, d.reason) for d in world.broker.dead] == [(b"{not json", "bad-json")]
    assert world.broker.acked == [body(1), b"{not json", body(2)]
    assert world.stored_values() == [1, 2]


def test_rows_the_database_refuses_are_dead_lettered_alone_and_the_rest_is_stored() -> None:
    world = World()
    world.broker.publish(body(1), body(2, "gone-experiment"), body(3))

    world.run_session()

    assert [(d.body, d.reason) for d in world.broker.dead] == [(body(2, "gone-experiment"), "refused-by-database")]
    assert world.stored_values() == [1, 3]
    assert sorted(world.broker.acked) == sorted([body(1), body(2, "gone-experiment"), body(3)])


def test_a_database_that_comes_back_is_retried_with_back_off_and_nothing_is_stored_twice() -> None:
    world = World(db_down=2)
    world.broker.publish(body(1), body(2), body(3))

    world.run_session()

    assert world.stored_values() == [1, 2, 3]
    assert world.broker.acked == [body(1), body(2), body(3)]
    assert world.sink.acked_at_write[:3] == [0, 0, 0]  # two failed writes and the good one, none acked before
    assert world.failures("database") == 2


def test_names_that_cannot_be_loaded_are_waited_for_while_the_connection_is_served() -> None:
    world = World(names_down=3)
    world.broker.publish(body(1), body(2))
    before = world.broker.clock()

    world.run_session()

    assert world.stored_values() == [1, 2]
    assert world.broker.clock() > before  # the wait was on the channel's clock
    assert not world.broker.dead


def test_a_stop_while_the_database_is_down_abandons_the_batch_unacked() -> None:
    world = World(db_down=1_000_000)
    world.broker.publish(body(1), body(2))
    world.broker.on_idle = lambda: None
    world.sink.on_write = world.stop.request

    with pytest.raises(Abandoned):
        world.run_session()

    assert world.broker.acked == []
    assert [m.body for m in world.broker.queue] == [body(1), body(2)]  # back in the queue, in order
    assert all(m.redelivered for m in world.broker.queue)


def test_a_lost_connection_redelivers_what_was_not_acked_and_nothing_is_stored_twice() -> None:
    world = World(batch_size=3)
    world.broker.publish(*(body(v) for v in range(1, 11)))
    world.broker.lose_at_delivery = 5

    world.run_listener()

    assert world.stored_values() == list(range(1, 11))
    assert set(world.broker.acked) == {body(v) for v in range(1, 11)}
    assert world.broker.connections == 2
    assert world.failures("broker") == 1


def test_a_refused_connection_is_retried_until_the_broker_answers() -> None:
    world = World()
    world.broker.publish(body(1), body(2))
    world.broker.refuse_connections = 2

    world.run_listener()

    assert world.stored_values() == [1, 2]
    assert world.failures("broker") == 2


def test_an_unconfirmed_dead_letter_leaves_its_message_to_redelivery_and_it_is_dead_lettered_once() -> None:
    world = World()
    world.broker.publish(body(1), b"[]", body(2))
    world.broker.dead_letters_fail = 1

    world.run_listener()

    assert [(d.body, d.reason) for d in world.broker.dead] == [(b"[]", "bad-shape")]
    assert world.stored_values() == [1, 2]
    assert world.broker.connections == 2
