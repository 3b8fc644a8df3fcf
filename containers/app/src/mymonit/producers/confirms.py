"""The bookkeeping of publisher confirms: what waits to be sent, what waits for its confirm. No I/O."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outgoing:
    message_id: str
    body: bytes


class ConfirmWindow:
    """Messages from `add` to their confirm, in publish order; not thread-safe (the caller locks).

    Delivery tags count from 1 on each channel; `restart()` (a new channel after a lost
    connection) puts every unconfirmed message back at the head of the queue, in order, so it is
    sent again. A nacked message is sent again too. A message the broker returned as unroutable
    is confirmed anyway (the broker is done with it) and counted in `unroutable`.
    """

    def __init__(self) -> None:
        self._waiting: deque[Outgoing] = deque()
        self._unconfirmed: OrderedDict[int, Outgoing] = OrderedDict()
        self._returned: set[str] = set()
        self._next_tag = 1
        self.confirmed = 0
        self.resent = 0
        self.unroutable: list[str] = []

    @property
    def outstanding(self) -> int:
        """Messages added and not yet confirmed (waiting or in flight)."""
        return len(self._waiting) + len(self._unconfirmed)

    def add(self, message: Outgoing) -> None:
        self._waiting.append(message)

    def take(self) -> tuple[int, Outgoing] | None:
        """The next message to publish and the delivery tag the broker will give it."""
        if not self._waiting:
            return None
        message = self._waiting.popleft()
        tag, self._next_tag = self._next_tag, self._next_tag + 1
        self._unconfirmed[tag] = message
        return tag, message

    def returned(self, message_id: str) -> None:
        self._returned.add(message_id)

    def acked(self, tag: int, multiple: bool) -> None:
        for message in self._settle(tag, multiple):
            if message.message_id in self._returned:
                self._returned.discard(message.message_id)
                self.unroutable.append(message.message_id)
            else:
                self.confirmed += 1

    def nacked(self, tag: int, multiple: bool) -> None:
        settled = self._settle(tag, multiple)
        self.resent += len(settled)
        self._waiting.extendleft(reversed(settled))

    def restart(self) -> None:
        """A new channel: resend every unconfirmed message first, numbering tags from 1 again."""
        unconfirmed = list(self._unconfirmed.values())
        self.resent += len(unconfirmed)
        self._unconfirmed.clear()
        self._returned.clear()
        self._waiting.extendleft(reversed(unconfirmed))
        self._next_tag = 1

    def _settle(self, tag: int, multiple: bool) -> list[Outgoing]:
        if not multiple:
            message = self._unconfirmed.pop(tag, None)
            return [] if message is None else [message]
        settled = []
        while self._unconfirmed:
            first = next(iter(self._unconfirmed))
            if first > tag:
                break
            settled.append(self._unconfirmed.pop(first))
        return settled
