"""Helpers of the ingest tests: publishing, counting stored rows, reading the dead-letter queue, waiting."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from prometheus_client import CollectorRegistry

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.model import Experiment
from mymonit.ingest.broker import adapter_parameters, connection_parameters
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.names import NameSource
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology
from mymonit.producers.publisher import ConfirmedPublisher
from mymonit.producers.sources import Sample
from mymonit.producers.stream import MeasureStream, Report

T0 = 1_700_000_000.0
_EPOCH = datetime(1970, 1, 1)  # the DATETIME column holds naive UTC


@dataclass
class Lane:
    """One test's own path through the broker, and the experiment its measures belong to."""

    settings: Settings
    topology: Topology
    experiment: Experiment
    container: Container

    def environment(self, **extra: str) -> dict[str, str]:
        """The process environment for a `mymonit` subprocess on this lane."""
        names = {"RABBIT_EXCHANGE": self.topology.exchange, "RABBIT_QUEUE": self.topology.queue,
                 "RABBIT_ROUTING": self.topology.routing_key, "CONSUMER_METRICS_PORT": "0"}
        return {**os.environ, **names, **extra}

    def stored(self) -> list[tuple[float, float]]:
        """(Unix seconds, value) of every row of the lane's experiment, in time order."""
        sql = "SELECT ts, value FROM measures WHERE experiment_id = %s ORDER BY ts, dedup_key"
        rows = self.container.database().run(lambda c: c.fetch_all(sql, (self.experiment.experiment_id,)))
        return [((ts - _EPOCH).total_seconds(), float(value)) for ts, value in rows]

    def count(self) -> int:
        sql = "SELECT COUNT(*) FROM measures WHERE experiment_id = %s"
        return int(self.container.database().run(lambda c: c.fetch_all(sql, (self.experiment.experiment_id,)))[0][0])

    def measure(self, value: float, at: float | None = None, **changes: object) -> dict[str, object]:
        return {"experiment": self.experiment.name, "measure": "hertz", "value": value,
                "timestamp": T0 + value if at is None else at, **changes}


def broker_channel(settings: Settings, attempts: int = 1) -> BlockingChannel:
    """A channel with the service account (retried `attempts` times, a second apart, while the broker restarts)."""
    for attempt in range(attempts):
        try:
            return pika.BlockingConnection(connection_parameters(settings)).channel()
        except (pika.exceptions.AMQPError, OSError):
            if attempt + 1 == attempts:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


def publish_bodies(lane: Lane, bodies: Iterable[bytes]) -> None:
    """Publish raw bodies (valid or not) with the service account, each confirmed."""
    channel = broker_channel(lane.settings)
    channel.confirm_delivery()
    properties = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)
    for body in bodies:
        channel.basic_publish(lane.topology.exchange, lane.topology.routing_key, body, properties, mandatory=True)
    channel.connection.close()


def adapter_publisher(lane: Lane, **options: Any) -> ConfirmedPublisher:
    settings = lane.settings
    parameters = adapter_parameters(settings)
    return ConfirmedPublisher(parameters, lane.topology.exchange, lane.topology.routing_key, **options)


def publish_with_adapter(lane: Lane, values: Iterable[float], *, batch: int = 1, run_id: str | None = None,
                         pause: float = 0.0, **options: Any) -> Report:
    """Publish one measure per value (timestamp T0 + value) as the adapters do: ids, confirms, resends."""
    publisher = adapter_publisher(lane, **options)
    stream = MeasureStream(publisher, lane.experiment.name, "hertz", batch=batch, run_id=run_id)

    def samples() -> Iterable[Sample]:
        for value in values:
            if pause:
                time.sleep(pause)
            yield Sample(T0 + value, value)

    report = stream.send(samples())
    publisher.close(timeout=180)
    return report


def dead_letters(lane: Lane) -> list[tuple[dict[str, Any], bytes]]:
    """Every message of the lane's dead-letter queue (headers, body), removed from it."""
    channel = broker_channel(lane.settings)
    letters = []
    while True:
        method, properties, body = channel.basic_get(lane.topology.dead_queue, auto_ack=True)
        if method is None:
            break
        letters.append((dict(properties.headers or {}), body))
    channel.connection.close()
    return letters


def queue_depth(lane: Lane, queue: str | None = None) -> int:
    channel = broker_channel(lane.settings)
    depth = channel.queue_declare(queue or lane.topology.queue, passive=True).method.message_count
    channel.connection.close()
    return int(depth)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


class Consumer:
    """A RabbitListener of the lane on a thread of its own, with metrics of its own."""

    def __init__(self, lane: Lane, names: NameSource | None = None, **ingest: Any) -> None:
        self.metrics = ConsumerMetrics(CollectorRegistry())
        settings = IngestSettings(**{"INGEST_BATCH_MS": 20, "INGEST_RETRY_MAX_SECONDS": 1.0, **ingest})
        self.listener = lane.container.rabbit_listener(
            settings=lane.settings, ingest=settings, names=names or lane.container.name_source(),
            trail=AuditTrail(logging.getLogger("mymonit.audit")), metrics=self.metrics)
        self.thread = threading.Thread(target=self.listener.run, name="test-consumer", daemon=True)
        self.thread.start()

    def value(self, name: str, **labels: str) -> float:
        metric = getattr(self.metrics, name)
        metric = metric.labels(**labels) if labels else metric
        return float(metric._value.get())

    def stop(self, timeout: float = 60.0) -> None:
        self.listener.parts.stop.request()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the consumer did not stop"
