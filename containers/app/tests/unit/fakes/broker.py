"""A fake of the consumer's channel (`ingest/channel.py`): one queue in memory, with RabbitMQ's rules.

What RabbitMQ does and the consumer relies on, and so does this fake (the contract suite in
tests/integration/contracts/test_consumer_channel_contract.py holds it to the real broker): at most
`prefetch` deliveries unacked; a multiple ack settles every delivery up to its tag; an unknown tag
closes the channel; what is unacked when the channel closes goes back to the head of the queue, in
order, marked redelivered; a dead letter is kept with its reason once it is "confirmed".
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mymonit.ingest.channel import Received
from mymonit.ingest.errors import BrokerLost, PoisonMessage
from tests.unit.fakes.system import FakeClock


@dataclass(frozen=True)
class Message:
    body: bytes
    properties: Any = None
    routing_key: str = "measures"
    redelivered: bool = False


@dataclass(frozen=True)
class FakeEnvelope:
    delivery_tag: int
    routing_key: str


@dataclass(frozen=True)
class DeadLetter:
    body: bytes
    reason: str
    detail: str
    routing_key: str


@dataclass
class FakeBroker:
    """The queue, what was acked and dead-lettered, and the failures a test asks for.

    `lose_at_delivery`: the n-th delivery (counted over every channel) finds the connection lost.
    `refuse_connections`: how many `connect()` calls fail before one succeeds; `dead_letters_fail`:
    how many dead-letter copies go unconfirmed (the connection is lost with them). `on_idle`:
    called when a channel has nothing to deliver, nothing unacked and no callback waiting.
    """

    clock: FakeClock = field(default_factory=FakeClock)
    queue: deque[Message] = field(default_factory=deque)
    acked: list[bytes] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)
    lose_at_delivery: int | None = None
    refuse_connections: int = 0
    dead_letters_fail: int = 0  # how many dead-letter publishes go unconfirmed
    on_idle: Callable[[], None] = lambda: None
    delivered: int = 0
    connections: int = 0

    def publish(self, *bodies: bytes) -> None:
        self.queue.extend(Message(body) for body in bodies)

    def connect(self, prefetch: int = 100) -> FakeChannel:
        if self.refuse_connections:
            self.refuse_connections -= 1
            raise BrokerLost("ConnectionRefusedError: [Errno 111] Connection refused")
        self.connections += 1
        return FakeChannel(self, prefetch)


class FakeChannel:
    """One connection's channel on a `FakeBroker`; the fake clock moves by `tick` while it waits."""

    def __init__(self, broker: FakeBroker, prefetch: int) -> None:
        self._broker = broker
        self._prefetch = prefetch
        self._unacked: dict[int, Message] = {}
        self._next_tag = 1
        self._callbacks: deque[Callable[[], None]] = deque()
        self._wake = threading.Condition()
        self._consuming = True
        self.is_open = True

    def consume(self, tick: float) -> Iterator[Received]:
        while self._consuming:
            self._check_open()
            self._run_callbacks()
            if not self._consuming:
                return
            if self._broker.queue and len(self._unacked) < self._prefetch:
                yield self._deliver()
                continue
            if not self._unacked and not self._callbacks and not self._broker.queue:
                self._broker.on_idle()
            self._wait(0.01)
            self._broker.clock.advance(tick)
            yield None, None, None

    def cancel(self) -> None:
        self._check_open()
        self._consuming = False

    def ack_through(self, delivery_tag: int) -> None:
        self._check_open()
        if delivery_tag not in self._unacked:
            self._lose(f"PRECONDITION_FAILED - unknown delivery tag {delivery_tag}")
        for tag in [t for t in self._unacked if t <= delivery_tag]:
            self._broker.acked.append(self._unacked.pop(tag).body)

    def dead_letter(self, body: bytes, properties: Any, routing_key: str,  # noqa: ARG002  # kept by RabbitMQ
                    error: PoisonMessage) -> None:
        self._check_open()
        if self._broker.dead_letters_fail:
            self._broker.dead_letters_fail -= 1
            self._lose("NackError: the dead-letter copy was not confirmed")
        self._broker.dead.append(DeadLetter(body, error.reason.value, error.detail, routing_key))

    def queue_depth(self) -> int:
        self._check_open()
        return len(self._broker.queue)

    def call_threadsafe(self, callback: Callable[[], None]) -> None:
        with self._wake:
            if not self.is_open:
                raise BrokerLost("ConnectionWrongStateError: the connection is closed")
            self._callbacks.append(callback)
            self._wake.notify_all()

    def process(self, time_limit: float) -> None:
        self._check_open()
        if not self._run_callbacks():
            self._wait(time_limit)
            if not self._run_callbacks():
                self._broker.clock.advance(time_limit)  # nothing happened: the time limit passed

    def sleep(self, seconds: float) -> None:
        self._check_open()
        self._broker.clock.advance(seconds)
        self._run_callbacks()

    def close(self) -> None:
        if self.is_open:
            self._requeue()

    def _deliver(self) -> Received:
        self._broker.delivered += 1
        if self._broker.delivered == self._broker.lose_at_delivery:
            self._lose("StreamLostError: Transport indicated EOF")
        message = self._broker.queue.popleft()
        tag, self._next_tag = self._next_tag, self._next_tag + 1
        self._unacked[tag] = message
        return FakeEnvelope(tag, message.routing_key), message.properties, message.body

    def _run_callbacks(self) -> bool:
        ran = False
        while True:
            with self._wake:
                if not self._callbacks:
                    return ran
                callback = self._callbacks.popleft()
            callback()
            ran = True

    def _wait(self, seconds: float) -> None:
        """For another thread to hand a callback over: at most `seconds`, and 10 ms of real time."""
        with self._wake:
            if not self._callbacks:
                self._wake.wait(min(seconds, 0.01))

    def _check_open(self) -> None:
        if not self.is_open:
            raise BrokerLost("ChannelWrongStateError: the channel is closed")

    def _lose(self, why: str) -> None:
        self._requeue()
        raise BrokerLost(why)

    def _requeue(self) -> None:
        with self._wake:
            self.is_open = False
            self._callbacks.clear()
        for tag in sorted(self._unacked, reverse=True):
            message = self._unacked.pop(tag)
            self._broker.queue.appendleft(Message(message.body, message.properties, message.routing_key, True))
