"""What the consumer needs from storage. `mymonit.storage` implements these; unit tests use fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol


class NewMeasure(NamedTuple):
    """A measure ready to insert. `ts` is aware, or naive in UTC (the column's own form)."""

    experiment_id: int
    type_id: int
    ts: datetime
    value: float
    dedup_key: int


class BatchRefused(Exception):
    """The database rejected the rows themselves (not a lost connection): retrying will not help."""


class MeasureSink(Protocol):
    def write(self, measures: Sequence[NewMeasure]) -> int:
        """Insert all of `measures` in one transaction and commit; returns how many rows were new.

        Rows already stored (same experiment, timestamp and dedup key) are skipped, so writing the
        same rows twice is safe. Blocks for the round trips. Raises `Unavailable` when the database cannot be reached or
        the transaction must be retried (deadlock), and `BatchRefused` when it rejects the data.
        """
        ...
