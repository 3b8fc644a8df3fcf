"""One connection's worth of consuming: receive and batch here, write on the writer's thread, then ack."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import cast

from mymonit import logs
from mymonit.audit import AuditEvent, Outcome
from mymonit.domain.errors import Unavailable
from mymonit.ingest.batcher import Batch, Batcher, Delivery
from mymonit.ingest.channel import ConsumerChannel, Envelope
from mymonit.ingest.consumer_parts import ConsumerParts
from mymonit.ingest.errors import Abandoned, PoisonMessage, Reason
from mymonit.ingest.lifecycle import Backoff
from mymonit.ingest.ports import NewMeasure
from mymonit.ingest.writer import BatchWriter, Written

log = logging.getLogger(__name__)
_GROWTH = 8
_new = tuple.__new__  # a Delivery per message, without the Python frame of the named tuple's __new__


class ConsumerSession:
    """Consumes on one channel until a stop is requested (returns) or the broker fails (`BrokerLost`).

    Every delivery joins the open batch: a valid one with its rows, a poison one with none once
    its copy is confirmed on the dead-letter exchange. A batch that is due goes to the
    `BatchWriter` once the previous one is written (meanwhile it keeps growing, to 8 times
    INGEST_BATCH_SIZE at most); when it is committed, its last delivery is acked with
    multiple=True, on this thread. `run` blocks: on stop, the consumer is cancelled (buffered
    messages go back to the queue) and every batch is written and acked before it returns, unless
    the database is down: then it raises `Abandoned` and the rest stays unacked.
    """

    def __init__(self, channel: ConsumerChannel, parts: ConsumerParts) -> None:
        self._channel = channel
        self._parts = parts
        self._batcher: Batcher[NewMeasure] = Batcher(parts.settings.INGEST_BATCH_SIZE, parts.settings.batch_seconds)
        self._outstanding = 0  # batches submitted and not yet acked
        # While a batch is being written the next one keeps growing, up to this: larger inserts
        # cost the database less per row, just when it is the bottleneck.
        self._most_rows = _GROWTH * parts.settings.INGEST_BATCH_SIZE
        self._next_probe = self._next_housekeeping = 0.0
        self._received = 0
        self._rows_of = parts.assembler.rows
        self._writer = BatchWriter(parts.sink, channel.call_threadsafe, self._on_written, parts.stop,
                                   parts.metrics, parts.trail, parts.settings.INGEST_RETRY_MAX_SECONDS)

    def run(self) -> None:
        try:
            self._consume()
            self._channel.cancel()
            self._submit(self._batcher.take())
            self._housekeeping(self._parts.clock())
            self._writer.finish()
            self._drain()
        finally:
            self._writer.abandon()
            self._writer.close(timeout=30.0)
        if self._outstanding:
            raise Abandoned

    def _consume(self) -> None:
        parts, batcher, receive = self._parts, self._batcher, self._receive
        clock, stop = parts.clock, parts.stop
        # The generator yields (None, None, None) after `tick` without a message, so a batch closes
        # on age on an idle queue too; the writer's acks run inside it (`call_threadsafe`).
        tick = min(0.5, max(0.005, parts.settings.batch_seconds / 2))
        for method, properties, body in self._channel.consume(tick):
            now = clock()
            if method is not None:
                receive(method, properties, cast(bytes, body), now)  # a delivery has a body
            if batcher.is_due(now) and (not self._outstanding or len(batcher) >= self._most_rows):
                self._submit(batcher.take())
            if now >= self._next_housekeeping:
                self._housekeeping(now)
            if stop.requested:
                return

    def _receive(self, method: Envelope, properties: object, body: bytes, now: float) -> None:
        self._received += 1
        rows: Sequence[NewMeasure]
        try:
            rows = self._rows_of(body)
        except Exception as error:  # noqa: BLE001  # the rare path: _after_failure waits, logs or dead-letters
            rows = self._after_failure(error, method, properties, body)
        self._batcher.add(_new(Delivery, (method.delivery_tag, body, rows, properties, method.routing_key)), now)

    def _after_failure(self, error: Exception, method: Envelope, properties: object,
                       body: bytes) -> Sequence[NewMeasure]:
        """The rows of `body`, whose assembly raised `error`: once the names can be loaded again, or
        none once the message is dead-lettered. Raises `Abandoned` when a stop is requested while
        the database is down."""
        try:
            return self._retry_assembly(error, body)
        except PoisonMessage as poison:
            self._dead_letter(Delivery(method.delivery_tag, body, (), properties, method.routing_key), poison)
            return ()

    def _retry_assembly(self, error: Exception, body: bytes) -> list[NewMeasure]:
        """Waits (servicing the connection) while the names cannot be loaded, and tries again.

        Raises `PoisonMessage` for a message that can never succeed.
        """
        backoff = None
        while True:
            if isinstance(error, PoisonMessage):
                raise error
            if not isinstance(error, Unavailable):
                # The message boundary: a bug met by one message must not stop the consumer for all the others.
                log.error("unexpected error while decoding a message; dead-lettering it", exc_info=error)
                raise PoisonMessage(Reason.UNEXPECTED_ERROR, type(error).__name__) from error
            backoff = backoff or Backoff(maximum=self._parts.settings.INGEST_RETRY_MAX_SECONDS)
            self._wait_for_database(error, backoff.delay())
            try:
                return self._rows_of(body)
            except Exception as again:  # noqa: BLE001  # judged at the top of the loop
                error = again

    def _wait_for_database(self, error: Unavailable, seconds: float) -> None:
        self._parts.metrics.failures.labels("database").inc()
        if self._parts.stop.requested:
            raise Abandoned from error
        log.warning("cannot load experiment names (%s); retrying in %.1f s", error, seconds)
        deadline = self._parts.clock() + seconds
        while not self._parts.stop.requested and self._parts.clock() < deadline:
            self._channel.sleep(0.05)
            self._parts.liveness.beat()

    def _submit(self, batch: Batch[NewMeasure] | None) -> None:
        if batch is not None:
            self._outstanding += 1
            self._writer.submit(batch)

    def _on_written(self, written: Written) -> None:
        """On this thread, once `written.batch` is committed: dead-letter what was refused, audit, then ack.

        The audit event is durable before the ack goes out (docs/audit.md); a crash between the two
        redelivers the batch, which is then stored as duplicates and audited again as such.
        """
        for delivery, why in written.refused:
            self._dead_letter(delivery, PoisonMessage(Reason.REFUSED_BY_DATABASE, why))
        self._record(written)
        self._channel.ack_through(written.batch.last_tag)
        self._outstanding -= 1
        if not self._outstanding and self._batcher.is_due(self._parts.clock()):
            self._submit(self._batcher.take())

    def _drain(self) -> None:
        """Service the connection until every submitted batch is acked or the writer gave up."""
        grace = None
        while self._outstanding:
            self._channel.process(0.05)
            if not self._writer.alive:
                grace = grace or self._parts.clock() + 1.0
                if self._parts.clock() > grace:
                    return

    def _dead_letter(self, delivery: Delivery[NewMeasure], error: PoisonMessage) -> None:
        """Publish the copy and wait for its confirm; the original is acked later, with its batch."""
        self._channel.dead_letter(delivery.body, delivery.properties, delivery.routing_key, error)
        self._parts.metrics.dead_lettered.labels(error.reason.value).inc()
        self._parts.trail.emit(AuditEvent.INGEST_MESSAGE_DEAD_LETTERED, Outcome.REJECTED, reason=error.reason.value,
                               error=error.detail, bytes=len(delivery.body))

    def _record(self, written: Written) -> None:
        """Metrics and the audit event of a committed batch (none for a batch of dead letters only)."""
        metrics, rows = self._parts.metrics, written.batch.rows
        if not rows:
            return
        duplicates = written.written - written.inserted
        metrics.stored.inc(written.inserted)
        metrics.duplicates.inc(duplicates)
        metrics.batch_size.observe(len(rows))
        metrics.batch_seconds.observe(self._parts.clock() - written.batch.opened_at)
        with logs.bind(request_id=written.batch_id):
            self._parts.trail.emit(AuditEvent.INGEST_BATCH_STORED, count=written.inserted, duplicates=duplicates,
                                   messages=len(written.batch.deliveries), batch_id=written.batch_id,
                                   experiment_ids=sorted({r.experiment_id for r in rows}),
                                   duration_ms=round(written.seconds * 1000, 3))

    def _housekeeping(self, now: float) -> None:
        """Every 0.1 s: liveness, the consumed count, and now and then the queue's depth."""
        parts = self._parts
        self._next_housekeeping = now + 0.1
        parts.liveness.beat()
        parts.metrics.consumed.inc(self._received)
        self._received = 0
        if now >= self._next_probe:
            self._next_probe = now + parts.settings.CONSUMER_QUEUE_DEPTH_SECONDS
            depth = self._channel.queue_depth()
            parts.metrics.queue_depth.labels(parts.topology.queue).set(depth)
