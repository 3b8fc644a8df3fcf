"""Canaries through the real consumer: stored batches and dead letters are audited, payloads are not.

Valid measures and messages with a canary in a bad field are published to a private exchange on
the real broker; a consumer (RabbitListener, the service's broker account, whose password is a
canary too) stores the good ones and dead-letters the rest. Everything that reaches the Logstash
stand-in and the console is then searched, and each audit event checked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator

import pika
import pytest
from pika.adapters.blocking_connection import BlockingChannel
from prometheus_client import CollectorRegistry

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.ingest.broker import connection_parameters
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology, declare
from tests.integration.audit.audit_capture import AuditCapture, Captured
from tests.support.api_world import World
from tests.support.json_lines import read_json_lines

T0 = 1_700_000_000.0


@pytest.fixture
def topology(settings: Settings) -> Iterator[Topology]:
    suffix = secrets.token_hex(5)
    lane = Topology(f"mymonit.audit-{suffix}", f"mymonit.audit-{suffix}.measures", "measures")
    with open_channel(settings) as channel:
        declare(channel, lane)
    yield lane
    with open_channel(settings) as channel:
        for queue in (lane.queue, lane.dead_queue):
            channel.queue_delete(queue)
        for exchange in (lane.exchange, lane.dead_exchange):
            channel.exchange_delete(exchange)


@contextlib.contextmanager
def open_channel(settings: Settings) -> Iterator[BlockingChannel]:
    """A channel with the service's broker account, closed with its connection afterwards."""
    connection = pika.BlockingConnection(connection_parameters(settings))
    try:
        yield connection.channel()
    finally:
        connection.close()


def test_no_canary_from_a_message_reaches_the_trail_and_every_ingest_event_arrives(
    settings: Settings, container: Container, world: World, topology: Topology, capture: AuditCapture,
) -> None:
    experiment, canaries = world.experiment("ingest-canary"), canaries_of(settings)
    canary = canaries["payload"]
    good = [measure(experiment.name, value=float(n), timestamp=T0 + n) for n in range(5)]
    poison = {"wrong-type": measure(experiment.name, value=canary),
              "bad-timestamp": measure(experiment.name, timestamp=canary)}
    bodies = [json.dumps(good).encode(), *(json.dumps(m).encode() for m in poison.values()),
              f'{{"experiment": "{canary}", '.encode()]

    captured = consume(settings, container, topology, capture, bodies, stored=len(good), dead=3)

    assert captured.leaked(canaries) == []
    events = captured.audit_events()
    (batch,) = [e for e in events if e["event"] == "ingest:batch:stored"]
    assert (batch["count"], batch["experiment_ids"], batch["request_id"]) == (
        len(good), [experiment.experiment_id], batch["batch_id"])
    assert isinstance(batch["duration_ms"], float)
    letters = [e for e in events if e["event"] == "ingest:message:dead-lettered"]
    assert sorted(str(e["reason"]) for e in letters) == sorted([*poison, "bad-json"])
    assert {e["outcome"] for e in letters} == {"rejected"}
    assert [e["event"] for e in events if str(e["event"]).startswith("ingest:consumer")] == [
        "ingest:consumer:started", "ingest:consumer:stopped"]


def test_an_unknown_experiment_or_measure_name_in_a_message_is_not_quoted_in_the_trail(
    settings: Settings, container: Container, world: World, topology: Topology, capture: AuditCapture,
) -> None:
    experiment, canaries = world.experiment("ingest-canary"), canaries_of(settings)
    bodies = [json.dumps(measure(canaries["payload"])).encode(),
              json.dumps(measure(experiment.name, measure=canaries["payload"])).encode()]

    captured = consume(settings, container, topology, capture, bodies, stored=0, dead=2)

    assert captured.leaked(canaries) == []


def canaries_of(settings: Settings) -> dict[str, str]:
    return {"payload": f"Canary Quillon {secrets.token_hex(4)}",
            "broker password": settings.RABBIT_PASSWORD.get_secret_value(),
            "db password": settings.DB_PASSWORD.get_secret_value()}


def measure(experiment: str, **fields: object) -> dict[str, object]:
    return {"experiment": experiment, "measure": "hertz", "value": 1.0, "timestamp": T0} | fields


def consume(settings: Settings, container: Container, topology: Topology, capture: AuditCapture,
            bodies: list[bytes], *, stored: int, dead: int) -> Captured:
    """Publish `bodies`, consume until `stored` rows and `dead` dead letters are audited, stop."""
    lane = settings.model_copy(update={"RABBIT_EXCHANGE": topology.exchange, "RABBIT_QUEUE": topology.queue,
                                       "RABBIT_ROUTING": topology.routing_key})
    publish(lane, topology, bodies)
    consume_until(lane, container, capture.trail, lambda: audited(capture.console.getvalue()) == (stored, dead))
    return capture.finish(audit_events=2 + (1 if stored else 0) + dead)  # started and stopped too


def publish(settings: Settings, topology: Topology, bodies: list[bytes]) -> None:
    with open_channel(settings) as channel:
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(topology.exchange, topology.routing_key, body,
                                  pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent), mandatory=True)


def consume_until(settings: Settings, container: Container, trail: AuditTrail, done: Callable[[], bool]) -> None:
    """Run a consumer on a thread until `done()` holds after one of its records, then stop it as SIGTERM would."""
    listener = container.rabbit_listener(settings=settings, trail=trail, metrics=ConsumerMetrics(CollectorRegistry()),
                                         ingest=IngestSettings(INGEST_BATCH_MS=20, INGEST_RETRY_MAX_SECONDS=1.0))
    thread = threading.Thread(target=listener.run, name="audit-test-consumer", daemon=True)
    with Logged() as logged:
        thread.start()
        try:
            assert logged.wait_for(done, timeout=30)
        finally:
            listener.parts.stop.request()
            thread.join(60)
    assert not thread.is_alive()


class Logged(logging.Handler):
    """Wakes a waiter at every record, after the handlers installed before it (the console) have written it.

    On the root logger, added after `configure_logging`'s handlers: a logger calls its handlers in
    the order they were added, so the record's console line is there when the waiter wakes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def __enter__(self) -> Logged:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        logging.getLogger().removeHandler(self)

    def emit(self, _record: logging.LogRecord) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """True as soon as `condition()` holds, checked now and after each record; False after `timeout` s."""
        with self._changed:
            return self._changed.wait_for(condition, timeout)


def audited(console: str) -> tuple[int, int]:
    """Rows stored and messages dead-lettered, as far as the audit events on the console so far say."""
    events = [e for e in read_json_lines(console.encode()) if "event" in e]
    stored = sum(int(str(e["count"])) for e in events if e["event"] == "ingest:batch:stored")
    return stored, sum(e["event"] == "ingest:message:dead-lettered" for e in events)
