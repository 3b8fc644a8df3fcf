"""The exchanges and queues of the AMQP contract, declared by the consumer (never by the adapters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from mymonit.config import Settings
from mymonit.ingest.errors import BrokerMisconfigured

# Reply codes that mean the broker's configuration does not match ours: retrying cannot help.
_MISCONFIGURED = {403: "access refused", 404: "not found", 406: "declared differently"}


@dataclass(frozen=True, slots=True)
class Topology:
    """`exchange` (direct) → `queue` by `routing_key`; rejects go to `<exchange>.dead` → `<queue>.dead`."""

    exchange: str
    queue: str
    routing_key: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Topology:
        return cls(settings.RABBIT_EXCHANGE, settings.RABBIT_QUEUE, settings.RABBIT_ROUTING)

    @property
    def dead_exchange(self) -> str:
        return f"{self.exchange}.dead"

    @property
    def dead_queue(self) -> str:
        return f"{self.queue}.dead"

    @property
    def queue_arguments(self) -> dict[str, Any]:
        """A classic durable queue: one node, and a consumer that never rejects (it dead-letters
        itself), so a quorum queue's delivery limit would buy nothing for its cost in throughput."""
        return {"x-dead-letter-exchange": self.dead_exchange}


def declare(channel: BlockingChannel, topology: Topology) -> None:
    """Declare (idempotently) both exchanges and queues and their bindings; blocks for the round trips.

    Raises `BrokerMisconfigured` when the broker refuses (rights, or a queue declared with other
    arguments); other pika errors mean the connection failed and propagate.
    """
    try:
        channel.exchange_declare(topology.dead_exchange, "fanout", durable=True)
        channel.queue_declare(topology.dead_queue, durable=True)
        channel.queue_bind(topology.dead_queue, topology.dead_exchange)
        channel.exchange_declare(topology.exchange, "direct", durable=True)
        channel.queue_declare(topology.queue, durable=True, arguments=topology.queue_arguments)
        channel.queue_bind(topology.queue, topology.exchange, topology.routing_key)
    except pika.exceptions.ChannelClosedByBroker as error:
        problem = _MISCONFIGURED.get(error.reply_code)
        if problem is None:
            raise
        raise BrokerMisconfigured(f"declaring the topology failed ({problem}): {error.reply_text}") from error
