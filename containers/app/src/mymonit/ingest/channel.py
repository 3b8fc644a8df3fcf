"""What a consumer session needs of the broker: one connection's worth of a channel, as a protocol.

`ingest/pika_channel.py` is the adapter on RabbitMQ; the unit tests drive the session through a fake
(`tests/unit/fakes/broker.py`), and the contract suite runs the same cases on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from mymonit.ingest.errors import PoisonMessage


class Envelope(Protocol):
    """What a delivery says of itself besides its body (pika's `Basic.Deliver` is one)."""

    @property
    def delivery_tag(self) -> int: ...

    @property
    def routing_key(self) -> str: ...


# A delivery, or (None, None, None) once `tick` seconds passed without one. The properties are
# opaque to the session: it hands them back to `dead_letter` with the body.
Received = tuple[Envelope, Any, bytes] | tuple[None, None, None]


class ConsumerChannel(Protocol):
    """A channel consuming the measures queue with a prefetch window, on its connection's thread.

    Every method runs on the thread that opened the channel, except `call_threadsafe`. A failure of
    the connection or a channel raises `BrokerLost` from any method: the caller drops what it did
    not ack and opens a new channel; the broker redelivers the rest.
    """

    def consume(self, tick: float) -> Iterator[Received]:
        """The deliveries, forever; the callbacks of `call_threadsafe` run while it waits."""
        ...

    def cancel(self) -> None:
        """Stop consuming; the deliveries received and not yet yielded go back to the queue."""
        ...

    def ack_through(self, delivery_tag: int) -> None:
        """Acknowledge every delivery up to and including this one (multiple=True)."""
        ...

    def dead_letter(self, body: bytes, properties: Any, routing_key: str, error: PoisonMessage) -> None:
        """Publish a copy to the dead-letter exchange with the reason in its headers; return once the
        broker confirmed it. The original stays unacked until the caller acks it."""
        ...

    def queue_depth(self) -> int:
        """How many messages wait in the queue (a passive declare)."""
        ...

    def call_threadsafe(self, callback: Callable[[], None]) -> None:
        """From any thread: run `callback` on the channel's thread, inside `consume`, `process` or `sleep`."""
        ...

    def process(self, time_limit: float) -> None:
        """Serve the connection (I/O, callbacks) until something happened, at most `time_limit` s."""
        ...

    def sleep(self, seconds: float) -> None:
        """Serve the connection for `seconds`, whatever happens meanwhile."""
        ...

    def close(self) -> None:
        """Close the connection if it is still open; a broken one is left to die."""
        ...
