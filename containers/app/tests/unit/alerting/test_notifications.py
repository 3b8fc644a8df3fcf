"""Notifications in the Alertmanager webhook format, version 4."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from mymonit.alerting.notifications import NOT_ENDED, notification
from mymonit.alerting.ports import RuleOnType, Target, Tracked, Transition
from mymonit.domain.alert_states import AlertState
from mymonit.domain.alerts import AlertRule
from mymonit.domain.series import Labels
from tests.unit.builders import HERTZ, a_rule_spec

AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
RULE = RuleOnType(AlertRule(3, dataclasses.replace(a_rule_spec("too-hot"), webhook_url="https://hooks.example.org/x"),
                            "S001"), HERTZ.type_id)
TARGET = Target(12, 1, HERTZ.type_id, Labels("north", '{"site":"a"}'))


def transition(before: AlertState, to: AlertState, fired_at: datetime | None = None) -> Transition:
    alert = Tracked(7, 3, 12, before, AT - timedelta(minutes=5), fired_at, 1.0, AT, 4)
    return Transition(alert, to, AT, 42.5, None)


def body(t: Transition, rule: RuleOnType = RULE) -> dict[str, object]:
    made = notification(rule, TARGET, t, "https://monit.example.org")
    assert made is not None
    assert made.key == "7.5"  # the alert and the version this transition makes
    return json.loads(made.body)


def test_firing_is_an_alertmanager_v4_body_with_one_alert() -> None:
    sent = body(transition(AlertState.PENDING, AlertState.FIRING))
    (alert,) = sent["alerts"]  # type: ignore[misc]
    assert (sent["version"], sent["status"], sent["truncatedAlerts"]) == ("4", "firing", 0)
    assert alert["labels"] == {"alertname": "too-hot", "rule_id": "3", "experiment_id": "1", "measure": "hertz",
                               "series_id": "12", "severity": "warning", "sensor": "north", "tag_site": "a"}
    assert alert["startsAt"] == "2026-01-01T12:00:00.000000Z"
    assert alert["endsAt"] == NOT_ENDED
    assert alert["annotations"]["value"] == "42.5"
    assert alert["generatorURL"] == "https://monit.example.org/alert-rules/3"
    assert len(alert["fingerprint"]) == 16


def test_resolving_starts_when_it_fired_and_ends_now() -> None:
    fired = AT - timedelta(minutes=2)
    (alert,) = body(transition(AlertState.FIRING, AlertState.RESOLVED, fired_at=fired))["alerts"]  # type: ignore[misc]
    assert alert["status"] == "resolved"
    assert (alert["startsAt"], alert["endsAt"]) == ("2026-01-01T11:58:00.000000Z", "2026-01-01T12:00:00.000000Z")


def test_leaving_firing_for_no_data_resolves_too() -> None:
    sent = body(transition(AlertState.FIRING, AlertState.NO_DATA, fired_at=AT))
    assert sent["status"] == "resolved"


def test_other_transitions_and_rules_without_a_webhook_notify_nothing() -> None:
    assert notification(RULE, TARGET, transition(AlertState.NORMAL, AlertState.PENDING), "") is None
    assert notification(RULE, TARGET, transition(AlertState.RESOLVED, AlertState.NORMAL), "") is None
    silent = RuleOnType(AlertRule(3, a_rule_spec(), "S001"), HERTZ.type_id)
    assert notification(silent, TARGET, transition(AlertState.PENDING, AlertState.FIRING), "") is None
