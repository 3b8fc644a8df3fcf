"""The consumer's channel on RabbitMQ (pika's BlockingConnection): `ingest/channel.py` made real."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingConnection

from mymonit.ingest.channel import Received
from mymonit.ingest.dead_letter_publisher import DeadLetterPublisher
from mymonit.ingest.errors import BrokerLost, PoisonMessage
from mymonit.ingest.topology import Topology, declare

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# A lost or refused connection, a channel closed under us, a publish not confirmed.
_PIKA_FAILURES = (pika.exceptions.AMQPError, OSError)


def _lost(error: BaseException) -> BrokerLost:
    return BrokerLost(f"{type(error).__name__}: {error}")


def _broker_call(method: Callable[P, R]) -> Callable[P, R]:
    """The method, raising `BrokerLost` for what pika raises when the broker or the socket fails."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except _PIKA_FAILURES as error:
            raise _lost(error) from error

    return call


class PikaChannel:
    """One connection: the topology declared, a consuming channel with `prefetch`, and a confirming
    channel for dead letters. Raises `BrokerMisconfigured` when the broker refuses the topology."""

    @_broker_call
    def __init__(self, connection: BlockingConnection, topology: Topology, prefetch: int) -> None:
        self._connection = connection
        self._queue = topology.queue
        self._channel = connection.channel()
        declare(self._channel, topology)
        self._channel.basic_qos(prefetch_count=prefetch)
        self._dead = DeadLetterPublisher(connection.channel(), topology)

    def consume(self, tick: float) -> Iterator[Received]:
        try:
            yield from self._channel.consume(self._queue, inactivity_timeout=tick)
        except _PIKA_FAILURES as error:
            raise _lost(error) from error

    @_broker_call
    def cancel(self) -> None:
        self._channel.cancel()

    @_broker_call
    def ack_through(self, delivery_tag: int) -> None:
        self._channel.basic_ack(delivery_tag, multiple=True)

    @_broker_call
    def dead_letter(self, body: bytes, properties: Any, routing_key: str, error: PoisonMessage) -> None:
        self._dead.publish(body, properties, routing_key, error)

    @_broker_call
    def queue_depth(self) -> int:
        return int(self._channel.queue_declare(self._queue, passive=True).method.message_count)

    @_broker_call
    def call_threadsafe(self, callback: Callable[[], None]) -> None:
        self._connection.add_callback_threadsafe(callback)

    @_broker_call
    def process(self, time_limit: float) -> None:
        self._connection.process_data_events(time_limit=time_limit)

    @_broker_call
    def sleep(self, seconds: float) -> None:
        self._connection.sleep(seconds)

    def close(self) -> None:
        close_quietly(self._connection)


def pika_connector(parameters: pika.ConnectionParameters, topology: Topology,
                   prefetch: int) -> Callable[[], PikaChannel]:
    """What the listener calls to (re)connect: a new connection and its channel, or `BrokerLost`."""

    def connect() -> PikaChannel:
        try:
            connection = pika.BlockingConnection(parameters)
        except _PIKA_FAILURES as error:
            raise _lost(error) from error
        try:
            return PikaChannel(connection, topology, prefetch)
        except BaseException:
            close_quietly(connection)
            raise

    return connect


def close_quietly(connection: BlockingConnection) -> None:
    if connection.is_open:
        try:
            connection.close()
        except _PIKA_FAILURES:
            log.debug("closing a broken broker connection failed", exc_info=True)
