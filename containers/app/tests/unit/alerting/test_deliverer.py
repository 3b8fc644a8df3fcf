"""The outbox's deliverer: retried with exponential backoff, given up and audited after the last attempt."""

from __future__ import annotations

import logging

import pytest

from mymonit.alerting.deliverer import Deliverer, RetryPolicy
from mymonit.alerting.ports import Delivery, Notification
from mymonit.alerting.webhooks import WebhookFailed
from mymonit.audit import AuditTrail

POLICY = RetryPolicy(first_seconds=2.0, max_seconds=60.0, max_attempts=4, timeout_seconds=5.0, keep_seconds=86_400)


class FakeOutbox:
    def __init__(self, *deliveries: Delivery) -> None:
        self.due = list(deliveries)
        self.outcomes: list[tuple[int, str, float | None]] = []

    def claim(self, limit: int, lease_seconds: float) -> list[Delivery]:
        assert lease_seconds > POLICY.timeout_seconds
        claimed, self.due = self.due[:limit], self.due[limit:]
        return claimed

    def delivered(self, delivery_id: int) -> None:
        self.outcomes.append((delivery_id, "delivered", None))

    def attempt_failed(self, delivery_id: int, error: str, retry_in: float | None) -> None:
        self.outcomes.append((delivery_id, error, retry_in))

    def prune(self, older_than_seconds: int) -> int:
        self.outcomes.append((0, "pruned", float(older_than_seconds)))
        return 0


def a_delivery(delivery_id: int, attempts: int) -> Delivery:
    return Delivery(delivery_id, Notification("https://hooks.example.org/secret-token", f"{delivery_id}.1", b"{}"),
                    attempts)


def refuse(_notification: Notification) -> None:
    raise WebhookFailed("hooks.example.org answered 503")


def test_the_delay_doubles_up_to_its_bound_then_gives_up() -> None:
    assert [POLICY.delay(n) for n in range(1, 5)] == [2.0, 4.0, 8.0, None]
    assert RetryPolicy(2.0, 5.0, 10, 5.0, 86_400).delay(5) == 5.0


def test_a_delivered_notification_is_marked_so() -> None:
    outbox = FakeOutbox(a_delivery(1, 1))
    Deliverer(outbox, lambda _n: None, AuditTrail(), POLICY).deliver_due()
    assert outbox.outcomes == [(1, "delivered", None)]


def test_a_failure_is_retried_later_and_the_last_one_is_given_up_and_audited(
        caplog: pytest.LogCaptureFixture) -> None:
    outbox = FakeOutbox(a_delivery(1, 1), a_delivery(2, 4))
    with caplog.at_level(logging.INFO, logger="mymonit.audit"):
        Deliverer(outbox, refuse, AuditTrail(), POLICY).deliver_due()

    assert sorted(outbox.outcomes) == [(1, "hooks.example.org answered 503", 2.0),
                                       (2, "hooks.example.org answered 503", None)]
    (failed,) = [r.audit for r in caplog.records if hasattr(r, "audit")]
    assert failed["event"] == "alerts:webhook:failed"
    assert (failed["key"], failed["host"], failed["attempts"]) == ("2.1", "hooks.example.org", 4)
    assert "secret-token" not in str(failed)  # a webhook URL's path may be a credential
