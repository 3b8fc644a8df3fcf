"""The pure batcher: groups deliveries until a size or an age is reached. No I/O, no clock of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

Row = TypeVar("Row")


class Delivery(NamedTuple, Generic[Row]):
    """One message: its delivery tag, the rows it yields (none for a poison message), and what
    dead-lettering it later would need (body, properties, routing key)."""

    tag: int
    body: bytes
    rows: Sequence[Row] = ()
    properties: Any = None
    routing_key: str = ""


@dataclass(slots=True)
class Batch(Generic[Row]):
    opened_at: float
    deliveries: list[Delivery[Row]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def last_tag(self) -> int:
        """The highest delivery tag: acking it with multiple=True acks the whole batch."""
        return self.deliveries[-1].tag


class Batcher(Generic[Row]):
    """A batch closes when it holds `max_rows` rows or its first delivery is `max_age` seconds old.

    A message is never split: one delivery of more than `max_rows` rows makes a batch on its own.
    Times are whatever clock the caller passes in (monotonic seconds in the consumer).
    """

    def __init__(self, max_rows: int, max_age: float) -> None:
        self._max_rows = max_rows
        self._max_age = max_age
        self._batch: Batch[Row] | None = None

    def add(self, delivery: Delivery[Row], now: float) -> None:
        if self._batch is None:
            self._batch = Batch(opened_at=now)
        self._batch.deliveries.append(delivery)
        self._batch.rows.extend(delivery.rows)

    def is_due(self, now: float) -> bool:
        """True when the open batch is full or old enough; False when there is none."""
        batch = self._batch
        return batch is not None and (len(batch.rows) >= self._max_rows or now - batch.opened_at >= self._max_age)

    def take(self) -> Batch[Row] | None:
        """The open batch (due or not), which the batcher forgets; None when there is none."""
        batch, self._batch = self._batch, None
        return batch

    def __len__(self) -> int:
        """Rows in the open batch."""
        return 0 if self._batch is None else len(self._batch.rows)
