"""Delivers the outbox: each notification at least once, retried with exponential backoff, with
the same Idempotency-Key every time; given up (and audited) after ALERT_WEBHOOK_MAX_ATTEMPTS."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from mymonit.alerting.ports import Delivery, Notification, Outbox
from mymonit.alerting.webhooks import WebhookFailed
from mymonit.audit import AuditEvent, AuditTrail, Outcome
from mymonit.domain.errors import Unavailable

log = logging.getLogger(__name__)
BATCH = 32  # claimed per pass
PRUNE_EVERY = 3_600.0  # seconds between two prunings of the outbox
SENDERS = 8  # POSTs at once: a slow receiver holds one sender, not the others' notifications


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_seconds: float
    max_seconds: float
    max_attempts: int
    timeout_seconds: float
    keep_seconds: int  # how long delivered and given-up notifications stay in the outbox

    def delay(self, attempts: int) -> float | None:
        """Seconds before the next attempt after `attempts` failed ones; None: give up."""
        if attempts >= self.max_attempts:
            return None
        return min(self.max_seconds, self.first_seconds * 2.0 ** (attempts - 1))

    @property
    def lease_seconds(self) -> float:
        """Long enough for one attempt and its redirects, so no other deliverer repeats it meanwhile."""
        return 4 * self.timeout_seconds + 5


class Deliverer:
    def __init__(self, outbox: Outbox, post: Callable[[Notification], None], trail: AuditTrail,
                 policy: RetryPolicy) -> None:
        self._outbox = outbox
        self._post = post
        self._trail = trail
        self._policy = policy
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="mymonit-webhook")

    def deliver_due(self) -> int:
        """One pass over what is due; returns how many were claimed."""
        claimed = self._outbox.claim(BATCH, self._policy.lease_seconds)
        list(self._senders.map(self._deliver, claimed))
        return len(claimed)

    def run(self, stop: threading.Event, wake: threading.Event, poll_seconds: float = 1.0) -> None:
        """Until `stop`: a pass every `poll_seconds`, or as soon as `wake` is set; the outbox pruned
        every PRUNE_EVERY seconds."""
        pruned_at = float("-inf")
        while not stop.is_set():
            try:
                while self.deliver_due() == BATCH and not stop.is_set():
                    pass
                if time.monotonic() - pruned_at >= PRUNE_EVERY:
                    self._outbox.prune(self._policy.keep_seconds)
                    pruned_at = time.monotonic()
            except Unavailable:
                log.warning("database unavailable: notifications wait in the outbox")
            wake.wait(poll_seconds)
            wake.clear()
        self._senders.shutdown(wait=True)

    def _deliver(self, delivery: Delivery) -> None:
        host = urlsplit(delivery.notification.url).hostname
        fields: dict[str, object] = {"key": delivery.notification.key, "host": host, "attempts": delivery.attempts}
        try:
            self._post(delivery.notification)
        except WebhookFailed as error:
            retry_in = self._policy.delay(delivery.attempts)
            self._outbox.attempt_failed(delivery.delivery_id, str(error), retry_in)
            if retry_in is None:
                self._trail.emit(AuditEvent.ALERTS_WEBHOOK_FAILED, Outcome.FAILED, **fields, reason=str(error))
            else:
                log.warning("webhook %s to %s failed (%s); retried in %.0f s", fields["key"], host, error, retry_in)
            return
        self._outbox.delivered(delivery.delivery_id)
        self._trail.emit(AuditEvent.ALERTS_WEBHOOK_DELIVERED, Outcome.SUCCESS, **fields)
