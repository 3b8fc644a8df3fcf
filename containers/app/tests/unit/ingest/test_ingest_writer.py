"""The batch writer thread: in order, retried while the database is down, refused rows isolated, never acks itself."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry

from mymonit.audit import AuditTrail
from mymonit.domain.errors import Unavailable
from mymonit.ingest.batcher import Batch, Delivery
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.lifecycle import StopFlag
from mymonit.ingest.ports import NewMeasure, PreparedRows
from mymonit.ingest.writer import BatchWriter, Written


def row(value: float, experiment_id: int = 1) -> NewMeasure:
    return NewMeasure.at(experiment_id, 10, datetime(2024, 1, 1), value, 0, 1)


def batch(*deliveries: Delivery[NewMeasure]) -> Batch[NewMeasure]:
    result: Batch[NewMeasure] = Batch(opened_at=0.0)
    for delivery in deliveries:
        result.deliveries.append(delivery)
        result.rows.extend(delivery.rows)
    return result


class FakeSink:
    """A MeasureSink that stores rows, fails the first `down` writes as unavailable, refuses rows whose
    experiment id is 99, and reports already-seen values as duplicates."""

    def __init__(self, down: int = 0) -> None:
        self.down = down
        self.rows: list[NewMeasure] = []
        self.calls = 0

    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        return PreparedRows(measures, "")

    def write(self, rows: PreparedRows) -> int:
        measures = rows.measures
        self.calls += 1
        if self.down:
            self.down -= 1
            raise Unavailable("database unreachable")
        if any(m.experiment_id == 99 for m in measures):
            raise BatchRefused("foreign key")
        new = [m for m in measures if m not in self.rows]
        self.rows.extend(new)
        return len(new)


class Harness:
    def __init__(self, sink: FakeSink, stop: StopFlag | None = None) -> None:
        self.results: list[Written] = []
        self.done = threading.Event()
        self.expected = 0
        self.writer = BatchWriter(sink, self.post, self.results.append, stop or StopFlag(),
                                  ConsumerMetrics(CollectorRegistry()), AuditTrail(logging.getLogger("test")),
                                  retry_max=0.01)

    def post(self, callback: Callable[[], None]) -> None:
        callback()  # the connection thread, in a test: run at once

    def write_all(self, *batches: Batch[NewMeasure]) -> list[Written]:
        for each in batches:
            self.writer.submit(each)
        assert self.writer.close(timeout=10)
        return self.results


def test_batches_are_written_and_handed_back_in_order_with_their_figures() -> None:
    sink = FakeSink()
    first = batch(Delivery(1, b"", [row(1.0), row(2.0)]), Delivery(2, b"", []))
    second = batch(Delivery(3, b"", [row(2.0), row(3.0)]))

    results = Harness(sink).write_all(first, second)

    assert [r.batch.last_tag for r in results] == [2, 3]
    assert [(r.written, r.inserted) for r in results] == [(2, 2), (2, 1)]
    assert [m.value for m in sink.rows] == [1.0, 2.0, 3.0]


def test_a_batch_is_retried_until_the_database_is_back() -> None:
    sink = FakeSink(down=3)

    [result] = Harness(sink).write_all(batch(Delivery(1, b"", [row(1.0)])))

    assert sink.calls == 4
    assert result.inserted == 1


def test_a_refused_batch_is_written_message_by_message_and_only_the_refused_message_is_returned() -> None:
    sink = FakeSink()
    bad = Delivery(2, b"bad", [row(5.0, experiment_id=99)])

    [result] = Harness(sink).write_all(batch(Delivery(1, b"", [row(1.0)]), bad, Delivery(3, b"", [row(3.0)])))

    assert [m.value for m in sink.rows] == [1.0, 3.0]
    assert [delivery for delivery, _why in result.refused] == [bad]
    assert result.batch.last_tag == 3


def test_a_stop_while_the_database_is_down_gives_the_batch_up_unacked() -> None:
    stop = StopFlag()
    stop.request()
    harness = Harness(FakeSink(down=1_000), stop)

    assert harness.write_all(batch(Delivery(1, b"", [row(1.0)]))) == []
