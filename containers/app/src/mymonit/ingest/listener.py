"""The RabbitListener: the consumer of the measures queue, reconnecting for as long as it runs."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from mymonit.audit import AuditEvent, Outcome
from mymonit.ingest.channel import ConsumerChannel
from mymonit.ingest.consumer_parts import ConsumerParts
from mymonit.ingest.errors import Abandoned, BrokerLost
from mymonit.ingest.lifecycle import Backoff
from mymonit.ingest.session import ConsumerSession

log = logging.getLogger(__name__)

class RabbitListener:
    """Consumes the measures queue until `parts.stop` is requested; `run()` blocks until then.

    At-least-once delivery with an exactly-once effect: a batch is acked (multiple=True) only
    after its transaction committed, and redeliveries are absorbed by the dedup key. A broker
    failure drops the open batch unacked and reconnects with back-off (the broker redelivers it);
    a database failure is retried by the session without losing the connection. On stop the open
    batch is written, committed and acked, the consumer cancelled and the connection closed.
    Raises `BrokerMisconfigured` when the topology cannot be declared (a configuration error).
    """

    def __init__(self, connect: Callable[[], ConsumerChannel], parts: ConsumerParts) -> None:
        self._connect = connect
        self._parts = parts

    @property
    def parts(self) -> ConsumerParts:
        return self._parts

    def run(self) -> None:
        parts = self._parts
        settings = parts.settings
        parts.trail.emit(AuditEvent.INGEST_CONSUMER_STARTED, queue=parts.topology.queue, pid=os.getpid(),
                         batch_size=settings.INGEST_BATCH_SIZE, batch_ms=settings.INGEST_BATCH_MS,
                         prefetch=settings.INGEST_PREFETCH)
        outcome = Outcome.FAILED
        try:
            self._consume_until_stopped()
            outcome = Outcome.SUCCESS
        finally:
            parts.trail.emit(AuditEvent.INGEST_CONSUMER_STOPPED, outcome, queue=parts.topology.queue)

    def _consume_until_stopped(self) -> None:
        backoff = Backoff(maximum=self._parts.settings.INGEST_RETRY_MAX_SECONDS)
        while not self._parts.stop.requested:
            channel = self._open(backoff)
            if channel is None:
                continue
            try:
                session = ConsumerSession(channel, self._parts)
                backoff.reset()
                session.run()
            except Abandoned:
                log.warning("stopped while the database was down: the open batch is left to redelivery")
            except BrokerLost as error:
                self._broker_failed("consuming", error, backoff)
            finally:
                channel.close()

    def _open(self, backoff: Backoff) -> ConsumerChannel | None:
        """A new connection and its channel, or None once a failure was reported and waited out."""
        try:
            return self._connect()
        except BrokerLost as error:
            self._broker_failed("connecting", error, backoff)
            return None

    def _broker_failed(self, doing: str, error: BaseException, backoff: Backoff) -> None:
        delay = backoff.delay()
        log.warning("broker failure while %s (%s); reconnecting in %.1f s", doing, error, delay)
        self._parts.metrics.failures.labels("broker").inc()
        self._parts.stop.sleep(delay)

