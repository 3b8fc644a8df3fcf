"""The evaluator on the real MariaDB, notifying a real HTTP receiver (docs/design.md, Alert evaluation)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import pytest

from mymonit.domain.alerts import Statistic
from mymonit.domain.series import Labels
from tests.integration.alerts.alert_world import AlertWorld
from tests.integration.alerts.conftest import SECRET
from tests.support.webhook_receiver import Receiver


def test_a_crossing_goes_pending_then_fires_after_for_then_resolves_below_clear(
        alert_world: AlertWorld, receiver: Receiver) -> None:
    world = alert_world
    rule = world.rule(receiver.url, for_seconds=20)
    world.measure(12.0)
    world.cycle()
    assert world.states(rule) == ["pending"]
    world.clock.advance(10)
    world.measure(13.0)
    world.cycle()
    assert world.states(rule) == ["pending"]  # held 10 s of 20

    world.clock.advance(11)
    world.measure(12.5)
    assert world.cycle().notifications == 1
    assert world.states(rule) == ["firing"]
    world.container.alert_deliverer().deliver_due()
    (fired,) = receiver.wait_for(1)
    assert fired.payload["status"] == "firing"
    assert fired.payload["alerts"][0]["labels"]["alertname"] == rule.spec.name
    assert fired.payload["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"

    world.clock.advance(10)
    world.measure(7.0)  # below the threshold, above clear: still firing (hysteresis)
    world.cycle()
    assert world.states(rule) == ["firing"]
    world.clock.advance(10)
    world.measure(4.0)
    world.cycle()
    assert world.states(rule) == ["resolved"]
    world.container.alert_deliverer().deliver_due()
    resolved = receiver.wait_for(2)[1]
    assert resolved.payload["status"] == "resolved"
    assert resolved.payload["alerts"][0]["startsAt"] == fired.payload["alerts"][0]["startsAt"]
    assert resolved.payload["alerts"][0]["fingerprint"] == fired.payload["alerts"][0]["fingerprint"]
    assert world.history(rule) == [("normal", "pending"), ("pending", "firing"), ("firing", "resolved")]


def test_a_notification_is_signed_and_keyed(alert_world: AlertWorld, receiver: Receiver) -> None:
    alert_world.rule(receiver.url)
    alert_world.measure(11.0)
    alert_world.cycle()
    alert_world.container.alert_deliverer().deliver_due()

    (got,) = receiver.wait_for(1)
    signed = got.headers["X-MyMONIT-Timestamp"].encode() + b"." + got.body
    expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-MyMONIT-Signature"], expected)
    assert got.headers["Idempotency-Key"] == alert_world.outbox()[0][0]


def test_silence_gives_no_data_and_data_ends_it(alert_world: AlertWorld) -> None:
    rule = alert_world.rule(None, no_data_seconds=30)
    alert_world.measure(1.0)
    alert_world.cycle()
    alert_world.cycle(after=40)
    assert alert_world.states(rule) == ["no-data"]

    alert_world.measure(2.0)
    alert_world.cycle()
    assert alert_world.states(rule) == ["normal"]
    assert alert_world.history(rule) == [("normal", "no-data"), ("no-data", "normal")]


def test_each_series_of_the_measure_type_is_its_own_alert(alert_world: AlertWorld) -> None:
    rule = alert_world.rule(None)
    alert_world.measure(20.0, labels=Labels("north"))
    alert_world.measure(1.0, labels=Labels("south"))
    alert_world.cycle()
    assert sorted(alert_world.states(rule)) == ["firing", "normal"]


@pytest.mark.parametrize(("statistic", "state"), [("mean", "normal"), ("max", "firing"), ("min", "normal")])
def test_the_statistic_is_taken_over_the_window(alert_world: AlertWorld, statistic: str, state: str) -> None:
    rule = alert_world.rule(None, statistic=Statistic(statistic), window_seconds=30)
    alert_world.measure(100.0, ago=40)  # outside the window
    for ago, value in ((25, 2.0), (15, 14.0), (5, 3.0)):
        alert_world.measure(value, ago=ago)
    alert_world.cycle()
    assert alert_world.states(rule) == [state]


def test_a_failed_delivery_is_retried_with_the_same_key(alert_world: AlertWorld, receiver: Receiver) -> None:
    receiver.answers = [(503, {})]
    alert_world.rule(receiver.url)
    alert_world.measure(11.0)
    alert_world.cycle()
    deliverer = alert_world.container.alert_deliverer()
    deliverer.deliver_due()
    assert alert_world.outbox()[0][1:] == (1, False)
    alert_world.container.database().run(lambda c: c.execute("UPDATE alert_outbox SET next_attempt_at = NOW(6)"))
    deliverer.deliver_due()

    first, second = receiver.received
    assert (first.status, second.status) == (503, 200)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert alert_world.outbox()[0][1:] == (2, True)


def test_a_redirect_to_another_host_is_not_followed(alert_world: AlertWorld, receiver: Receiver) -> None:
    receiver.answers = [(307, {"Location": "https://elsewhere.invalid/hook"})]
    alert_world.rule(receiver.url)
    alert_world.measure(11.0)
    alert_world.cycle()
    alert_world.container.alert_deliverer().deliver_due()

    assert [r.status for r in receiver.received] == [307]
    assert alert_world.outbox()[0][1:] == (1, False)


def test_an_edited_rule_and_a_new_series_count_from_the_next_cycle(alert_world: AlertWorld) -> None:
    rule = alert_world.rule(None)
    alert_world.measure(8.0, labels=Labels("north"))
    alert_world.cycle()
    assert alert_world.states(rule) == ["normal"]

    lower = dataclasses.replace(rule.spec, condition=dataclasses.replace(rule.spec.condition, threshold=7.0, clear=6.0))
    alert_world.container.alert_rule_repository().replace(rule.rule_id, lower, alert_world.type_id)
    alert_world.measure(9.0, labels=Labels("south"))
    alert_world.cycle(after=1)
    assert alert_world.states(rule) == ["firing", "firing"]


def test_a_quiet_alert_writes_its_value_at_most_once_a_minute(alert_world: AlertWorld) -> None:
    rule = alert_world.rule(None)

    def stored_value() -> float:
        rows = alert_world.container.database().run(lambda c: c.fetch_all(
            "SELECT last_value FROM alerts WHERE rule_id = %s", (rule.rule_id,)))
        return float(rows[0][0])

    alert_world.measure(1.0)
    alert_world.cycle()
    alert_world.cycle(after=1)
    assert stored_value() == 1.0
    alert_world.clock.advance(10)
    alert_world.measure(2.0)
    alert_world.cycle()
    assert stored_value() == 1.0  # normal, written less than a minute ago
    alert_world.clock.advance(60)
    alert_world.measure(3.0)
    alert_world.cycle()
    assert stored_value() == 3.0


def test_the_outbox_forgets_what_was_delivered_long_ago_and_keeps_the_rest(alert_world: AlertWorld,
                                                                          receiver: Receiver) -> None:
    receiver.otherwise = 503
    alert_world.rule(receiver.url)
    alert_world.measure(11.0, labels=Labels("north"))
    alert_world.measure(12.0, labels=Labels("south"))
    alert_world.cycle()
    database = alert_world.container.database()
    database.run(lambda c: c.execute(
        "UPDATE alert_outbox SET delivered_at = NOW(6) - INTERVAL 8 DAY ORDER BY delivery_id LIMIT 1"))

    assert alert_world.container.alert_outbox().prune(7 * 86_400) == 1
    assert [delivered for _, _, delivered in alert_world.outbox()] == [False]


def test_a_redirect_to_an_address_no_parser_takes_is_a_failed_attempt(alert_world: AlertWorld,
                                                                     receiver: Receiver) -> None:
    receiver.answers = [(307, {"Location": "https://[E]/hook"})]
    alert_world.rule(receiver.url)
    alert_world.measure(11.0)
    alert_world.cycle()
    alert_world.container.alert_deliverer().deliver_due()

    assert alert_world.outbox()[0][1:] == (1, False)
