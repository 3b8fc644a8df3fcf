"""Dead-lettering with a reason: the rejected body goes to the dead-letter exchange, confirmed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pika
from pika.adapters.blocking_connection import BlockingChannel

from mymonit.ingest.errors import PoisonMessage
from mymonit.ingest.topology import Topology

REASON_HEADER = "x-mymonit-reason"
ERROR_HEADER = "x-mymonit-error"
ROUTING_KEY_HEADER = "x-mymonit-routing-key"
EXCHANGE_HEADER = "x-mymonit-exchange"
DEAD_AT_HEADER = "x-mymonit-dead-lettered-at"
HEADERS = (REASON_HEADER, ERROR_HEADER, ROUTING_KEY_HEADER, EXCHANGE_HEADER, DEAD_AT_HEADER)


class DeadLetterPublisher:
    """Publishes a rejected body to `<exchange>.dead` on its own channel, in confirm mode.

    A plain basic.reject cannot carry a reason, so the consumer publishes the copy itself and acks
    the original only after this returns. `publish` blocks until the broker has confirmed the
    copy (persisted it); it raises a pika error (`NackError`, `UnroutableError`, a closed
    connection) when it was not, and then the original must stay unacked.
    """

    def __init__(self, channel: BlockingChannel, topology: Topology, clock: Callable[[], float] = time.time) -> None:
        self._channel = channel
        self._topology = topology
        self._clock = clock
        channel.confirm_delivery()

    def publish(self, body: bytes, properties: pika.BasicProperties | None, routing_key: str,
                error: PoisonMessage) -> None:
        now = int(self._clock())
        original = properties or pika.BasicProperties()
        headers = dict(original.headers or {})
        headers.update({
            REASON_HEADER: error.reason.value,
            ERROR_HEADER: error.detail,
            ROUTING_KEY_HEADER: routing_key,
            EXCHANGE_HEADER: self._topology.exchange,
            DEAD_AT_HEADER: now,
        })
        copy = pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent, content_type=original.content_type,
            message_id=original.message_id, app_id=original.app_id, timestamp=now, headers=headers,
        )
        self._channel.basic_publish(self._topology.dead_exchange, routing_key, body, copy, mandatory=True)
