"""Fixtures of the ingest tests: a private exchange and queue per test, consumers on threads, publishers.

Names start with `mymonit.` so the publish-only adapter account may publish to them; every test
gets its own experiment, so counting its rows counts only what it published.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.ingest.topology import Topology, declare
from tests.integration.ingest.ingest_support import Consumer, Lane, broker_channel


@pytest.fixture
def lane(settings: Settings, container: Container) -> Iterator[Lane]:
    suffix = secrets.token_hex(5)
    topology = Topology(f"mymonit.test-{suffix}", f"mymonit.test-{suffix}.measures", "measures")
    lane_settings = settings.model_copy(update={
        "RABBIT_EXCHANGE": topology.exchange, "RABBIT_QUEUE": topology.queue, "RABBIT_ROUTING": topology.routing_key,
    })
    channel = broker_channel(lane_settings, attempts=30)  # another suite may be restarting the broker
    declare(channel, topology)
    channel.connection.close()
    experiment = container.experiment_repository().add(f"ingest-{suffix}")
    yield Lane(lane_settings, topology, experiment, container)
    channel = broker_channel(lane_settings, attempts=30)
    for queue in (topology.queue, topology.dead_queue):
        channel.queue_delete(queue)
    for exchange in (topology.exchange, topology.dead_exchange):
        channel.exchange_delete(exchange)
    channel.connection.close()


@pytest.fixture
def consumers(lane: Lane) -> Iterator[Callable[..., Consumer]]:
    """Start consumers of the lane's queue (keyword arguments override IngestSettings); all stop at teardown."""
    started: list[Consumer] = []

    def start(**ingest: object) -> Consumer:
        consumer = Consumer(lane, **ingest)
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop()
