"""Contract of the consumer's channel (`ingest/channel.py`): every case runs on the fake the unit tests
use (tests/unit/fakes/broker.py) and on RabbitMQ through `ingest/pika_channel.py`, on a topology of
its own in the test vhost."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pika
import pytest

from mymonit.config import Settings
from mymonit.ingest.broker import connection_parameters
from mymonit.ingest.channel import ConsumerChannel, Envelope
from mymonit.ingest.errors import BrokerLost, PoisonMessage, Reason
from mymonit.ingest.pika_channel import pika_connector
from mymonit.ingest.topology import Topology, declare
from tests.integration.ingest.ingest_support import broker_channel
from tests.unit.fakes.broker import FakeBroker

TICK = 0.05


@dataclass
class BrokerSide:
    """What a case does to the broker around the channel under test."""

    publish: Callable[..., None]
    connect: Callable[[int], ConsumerChannel]
    dead: Callable[[], list[tuple[str, bytes]]]  # (reason, body) of every dead letter, removed


def fake_side() -> BrokerSide:
    broker = FakeBroker()

    def dead() -> list[tuple[str, bytes]]:
        letters = [(d.reason, d.body) for d in broker.dead]
        broker.dead.clear()
        return letters

    return BrokerSide(broker.publish, broker.connect, dead)


def rabbitmq_side(settings: Settings, topology: Topology) -> BrokerSide:
    def publish(*bodies: bytes) -> None:
        channel = broker_channel(settings)
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(topology.exchange, topology.routing_key, body,
                                  pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent), mandatory=True)
        channel.connection.close()

    def connect(prefetch: int) -> ConsumerChannel:
        return pika_connector(connection_parameters(settings), topology, prefetch)()

    def dead() -> list[tuple[str, bytes]]:
        channel = broker_channel(settings)
        letters = []
        while (got := channel.basic_get(topology.dead_queue, auto_ack=True))[0] is not None:
            _, properties, body = got
            letters.append((str(properties.headers["x-mymonit-reason"]), body))
        channel.connection.close()
        return letters

    return BrokerSide(publish, connect, dead)


@pytest.fixture(params=["fake", "rabbitmq"])
def broker(request: pytest.FixtureRequest) -> Iterator[BrokerSide]:
    if request.param == "fake":
        yield fake_side()
        return
    settings: Settings = request.getfixturevalue("settings")
    suffix = secrets.token_hex(5)
    topology = Topology(f"mymonit.test-{suffix}", f"mymonit.test-{suffix}.measures", "measures")
    channel = broker_channel(settings, attempts=30)
    declare(channel, topology)
    yield rabbitmq_side(settings, topology)
    for queue in (topology.queue, topology.dead_queue):
        channel.queue_delete(queue)
    for exchange in (topology.exchange, topology.dead_exchange):
        channel.exchange_delete(exchange)
    channel.connection.close()


def take(deliveries: Iterator[tuple[Envelope | None, object, bytes | None]], most: int,
         idle_ticks: int = 6) -> list[tuple[Envelope, object, bytes]]:
    """Up to `most` deliveries, or fewer once `idle_ticks` ticks in a row brought none."""
    taken: list[tuple[Envelope, object, bytes]] = []
    idle = 0
    while len(taken) < most and idle < idle_ticks:
        method, properties, body = next(deliveries)
        if method is None or body is None:
            idle += 1
        else:
            idle = 0
            taken.append((method, properties, body))
    return taken


def bodies(taken: list[tuple[Envelope, object, bytes]]) -> list[bytes]:
    return [body for _, _, body in taken]


def test_deliveries_come_in_order_with_at_most_prefetch_unacked(broker: BrokerSide) -> None:
    broker.publish(b"1", b"2", b"3", b"4", b"5")
    channel = broker.connect(2)
    deliveries = channel.consume(TICK)

    first = take(deliveries, 5)
    channel.ack_through(first[-1][0].delivery_tag)
    rest = take(deliveries, 5)

    assert bodies(first) == [b"1", b"2"]
    assert bodies(rest) == [b"3", b"4"]
    assert first[0][0].delivery_tag < first[1][0].delivery_tag < rest[0][0].delivery_tag
    channel.close()


def test_what_is_not_acked_when_the_channel_closes_is_delivered_again_in_order(broker: BrokerSide) -> None:
    broker.publish(b"1", b"2", b"3")
    channel = broker.connect(10)
    taken = take(channel.consume(TICK), 3)
    channel.ack_through(taken[0][0].delivery_tag)
    channel.close()

    again = broker.connect(10)
    assert bodies(take(again.consume(TICK), 3)) == [b"2", b"3"]
    again.close()


def test_a_dead_letter_carries_its_reason_and_its_original_waits_for_an_ack(broker: BrokerSide) -> None:
    broker.publish(b"{bad")
    channel = broker.connect(10)
    [(method, properties, body)] = take(channel.consume(TICK), 1)

    channel.dead_letter(body, properties, method.routing_key, PoisonMessage(Reason.BAD_JSON, "not JSON"))
    channel.close()

    assert broker.dead() == [("bad-json", b"{bad")]
    again = broker.connect(10)
    assert bodies(take(again.consume(TICK), 1)) == [b"{bad"]  # not acked: still there
    again.close()


def test_the_queue_depth_counts_what_waits_to_be_delivered(broker: BrokerSide) -> None:
    broker.publish(b"1", b"2", b"3")
    channel = broker.connect(1)
    take(channel.consume(TICK), 1)

    assert channel.queue_depth() == 2
    channel.close()


def test_a_callback_handed_over_from_another_thread_runs_while_the_channel_is_served(broker: BrokerSide) -> None:
    channel = broker.connect(1)
    ran = threading.Event()
    handing = threading.Thread(target=channel.call_threadsafe, args=(ran.set,))
    handing.start()
    handing.join()

    for _ in range(100):
        channel.process(TICK)
        if ran.is_set():
            break

    assert ran.is_set()
    channel.close()


def test_an_ack_of_a_tag_never_delivered_loses_the_channel(broker: BrokerSide) -> None:
    channel = broker.connect(1)

    def ack_then_ask() -> None:
        channel.ack_through(999)
        channel.queue_depth()  # RabbitMQ closes the channel asynchronously: the next call learns of it

    with pytest.raises(BrokerLost):
        ack_then_ask()
    channel.close()
