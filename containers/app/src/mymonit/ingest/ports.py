"""What the consumer needs from storage. `mymonit.storage` implements these; unit tests use fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from mymonit.domain.series import Labels
from mymonit.domain.timestamps import unix_micros


class NewMeasure(NamedTuple):
    """A measure ready to insert; `micros`: its timestamp in microseconds since 1970-01-01 UTC;
    `series_id`: its series (docs/design.md, Series).

    Integers, not datetimes, on the hot path: the consumer decodes Unix times into them and the
    writer formats them, so no datetime object is made per measure.
    """

    experiment_id: int
    type_id: int
    micros: int
    value: float
    dedup_key: int
    series_id: int

    @classmethod
    def at(cls, experiment_id: int, type_id: int, moment: datetime, value: float, dedup_key: int,
           series_id: int) -> NewMeasure:
        """The measure taken at `moment`: aware, or naive in UTC."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return cls(experiment_id, type_id, unix_micros(aware), value, dedup_key, series_id)


class PreparedRows(NamedTuple):
    """Measures made ready for one write: the measures, the sink's own form of them, and of the
    (series, minute) buckets they touch (docs/design.md, Rollups)."""

    measures: Sequence[NewMeasure]
    form: str
    touched: str = ""


class SeriesStore(Protocol):
    def ensure(self, experiment_id: int, wanted: Sequence[tuple[int, Labels]], limit: int) -> list[int]:
        """The ids of the series `wanted` ((type id, labels) pairs) of this experiment, in order.

        The missing ones are created, all or none, in one transaction that holds the experiment's
        row lock, so concurrent consumers never take an experiment past `limit` series. Raises
        `SeriesLimitReached` (nothing created) and `Unavailable` (database down: retry later).
        """
        ...


class MeasureSink(Protocol):
    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        """The measures in the form `write` sends (for SQL, the statement's text): CPU only, no I/O.

        The consumer prepares a batch on its receiving thread, so that the writer's thread does
        nothing but wait for the database while the next batch is received and prepared.
        """
        ...

    def write(self, rows: PreparedRows) -> int:
        """Insert all of `rows` in one transaction and commit; returns how many rows were new.

        Rows already stored (same experiment, timestamp and dedup key) are skipped, so writing the
        same rows twice is safe. Blocks for the round trips. Raises `Unavailable` when the database cannot be reached or
        the transaction must be retried (deadlock), and `BatchRefused` when it rejects the data.
        """
        ...
