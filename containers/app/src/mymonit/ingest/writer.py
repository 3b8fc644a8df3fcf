"""The batch writer: a thread that writes closed batches while the connection thread keeps receiving."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from mymonit import logs
from mymonit.audit import AuditEvent, AuditTrail, Outcome
from mymonit.domain.errors import Unavailable
from mymonit.ingest.batcher import Batch, Delivery
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.lifecycle import Backoff, StopFlag
from mymonit.ingest.ports import MeasureSink, NewMeasure, PreparedRows

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Written:
    """A batch committed: what to ack, what to dead-letter first, and the figures."""

    batch: Batch[NewMeasure]
    batch_id: str
    written: int = 0
    inserted: int = 0
    seconds: float = 0.0
    refused: list[tuple[Delivery[NewMeasure], str]] = field(default_factory=list)


class BatchWriter:
    """Writes submitted batches in order, each in one transaction, on a thread of its own.

    After a batch is committed, `post(callback)` hands `on_written(Written)` to the connection's
    thread (pika's `add_callback_threadsafe`), which dead-letters what the database refused and
    acks; this thread never touches the channel. While the database is unavailable the batch is
    retried with back-off; a batch the database refuses is written message by message so only the
    refused messages are dead-lettered. `close()` blocks until every submitted batch is written,
    unless `abandon()` was called or a stop was requested while the database was down: the rest is
    then dropped unacked (the broker redelivers it).
    """

    def __init__(self, sink: MeasureSink, post: Callable[[Callable[[], None]], None],
                 on_written: Callable[[Written], None], stop: StopFlag, metrics: ConsumerMetrics,
                 trail: AuditTrail, retry_max: float) -> None:
        self._sink = sink
        self._post = post
        self._on_written = on_written
        self._stop = stop
        self._metrics = metrics
        self._trail = trail
        self._retry_max = retry_max
        self._batches: queue.SimpleQueue[tuple[Batch[NewMeasure], PreparedRows] | None] = queue.SimpleQueue()
        self._abandoned = False
        self._thread = threading.Thread(target=self._work, name="mymonit-batch-writer", daemon=True)
        self._thread.start()

    def submit(self, batch: Batch[NewMeasure]) -> None:
        """Queue `batch`, prepared here, on the caller's thread, while this one may be waiting for the database."""
        self._batches.put((batch, self._sink.prepare(batch.rows)))

    def abandon(self) -> None:
        """Drop what is not written yet (the connection is gone: its delivery tags mean nothing)."""
        self._abandoned = True

    def finish(self) -> None:
        """End the thread once the batches submitted so far are written (does not wait)."""
        self._batches.put(None)

    def close(self, timeout: float | None = None) -> bool:
        """`finish()`, then wait; True when the thread ended within `timeout` seconds."""
        self.finish()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _work(self) -> None:
        while (item := self._batches.get()) is not None:
            if self._abandoned:
                continue
            batch, prepared = item
            batch_id = uuid.uuid4().hex[:16]
            with logs.bind(request_id=batch_id):
                written = self._write(Written(batch, batch_id), prepared)
            if written is None:
                self._abandoned = True
                continue
            try:
                self._post(partial(self._on_written, written))
            # Whatever pika raises here, the connection is closed: the broker redelivers the batch.
            except Exception:
                log.debug("could not hand a written batch back to a closed connection", exc_info=True)
                self._abandoned = True

    def _write(self, result: Written, prepared: PreparedRows) -> Written | None:
        started = time.perf_counter()
        try:
            result.inserted = self._retrying(prepared)
            result.written = len(result.batch.rows)
        except BatchRefused:
            log.warning("the database refused a batch of %d messages; writing them one by one",
                        len(result.batch.deliveries))
            self._write_one_by_one(result)
        except _Abandon:
            return None
        result.seconds = time.perf_counter() - started
        return result

    def _write_one_by_one(self, result: Written) -> None:
        for delivery in result.batch.deliveries:
            if delivery.rows:
                try:
                    result.inserted += self._retrying(self._sink.prepare(delivery.rows))
                    result.written += len(delivery.rows)
                except BatchRefused as error:
                    result.refused.append((delivery, str(error)))

    def _retrying(self, rows: PreparedRows) -> int:
        backoff, failures = Backoff(maximum=self._retry_max), 0
        while True:
            try:
                return self._sink.write(rows)
            except Unavailable as error:
                failures += 1
                self._metrics.failures.labels("database").inc()
                giving_up = self._stop.requested or self._abandoned
                if failures == 1 or giving_up:
                    self._trail.emit(AuditEvent.INGEST_BATCH_FAILED, Outcome.FAILED, error=str(error),
                                     retrying=not giving_up)
                if giving_up:
                    raise _Abandon from error
                self._stop.sleep(backoff.delay())


class _Abandon(Exception):
    """Control flow inside this module: the batch is given up, unacked."""
