"""Notifications in the Alertmanager webhook format (version 4), the convention receivers of
Prometheus, Grafana and most on-call tools already parse: one alert per notification."""

from __future__ import annotations

import hashlib
import json

from mymonit.alerting.ports import Notification, RuleOnType, Target, Transition
from mymonit.domain.alert_states import AlertState
from mymonit.domain.timestamps import iso_utc

NOT_ENDED = "0001-01-01T00:00:00Z"  # Alertmanager's endsAt of an alert still firing
RECEIVER = "mymonit"


def fingerprint(rule_id: int, series_id: int) -> str:
    """Stable for the life of the (rule, series) pair, as Alertmanager's label fingerprint is."""
    return hashlib.sha256(f"{rule_id}/{series_id}".encode()).hexdigest()[:16]


def labels(rule: RuleOnType, target: Target) -> dict[str, str]:
    spec = rule.rule.spec
    found = {"alertname": spec.name, "rule_id": str(rule.rule.rule_id), "experiment_id": str(spec.experiment_id),
             "measure": spec.measure_type, "series_id": str(target.series_id), "severity": spec.severity.value}
    if target.labels.sensor is not None:
        found["sensor"] = target.labels.sensor
    found.update({f"tag_{key}": value for key, value in json.loads(target.labels.tags).items()})
    return found


def summary(rule: RuleOnType) -> str:
    c = rule.rule.spec.condition
    return (f"{c.statistic.value} of {rule.rule.spec.measure_type} over {c.window_seconds} s"
            f" {c.comparison.value} {c.threshold:g}")


def notification(rule: RuleOnType, target: Target, transition: Transition, external_url: str) -> Notification | None:
    """The POST a transition makes, if it enters or leaves firing and the rule has a webhook."""
    url = rule.rule.spec.webhook_url
    entering = transition.to is AlertState.FIRING
    leaving = transition.alert.state is AlertState.FIRING
    if url is None or entering == leaving:
        return None
    started = transition.at if entering else (transition.alert.fired_at or transition.alert.since)
    status = "firing" if entering else "resolved"
    found = labels(rule, target)
    annotations = {"summary": summary(rule), "state": transition.to.value}
    if transition.value is not None:
        annotations["value"] = f"{transition.value:g}"
    alert = {"status": status, "labels": found, "annotations": annotations, "startsAt": iso_utc(started),
             "endsAt": NOT_ENDED if entering else iso_utc(transition.at),
             "generatorURL": f"{external_url}/alert-rules/{rule.rule.rule_id}" if external_url else "",
             "fingerprint": fingerprint(rule.rule.rule_id, target.series_id)}
    group = {"alertname": found["alertname"], "rule_id": found["rule_id"]}
    body = {"version": "4", "groupKey": "{}:{" + ", ".join(f'{k}="{v}"' for k, v in group.items()) + "}",
            "truncatedAlerts": 0, "status": status, "receiver": RECEIVER, "groupLabels": group,
            "commonLabels": found, "commonAnnotations": annotations, "externalURL": external_url, "alerts": [alert]}
    return Notification(url, transition.key, json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())

