"""The alerting tests' world: a database of their own (the evaluator evaluates every rule there
is), an experiment with series, rules with a webhook to a real receiver, and an evaluator whose
clock the test moves."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mymonit.alerting.evaluator import CycleReport, Evaluator
from mymonit.container import Container
from mymonit.domain.alerts import AlertRule, Comparison, Condition, Statistic
from mymonit.domain.dedup import dedup_key
from mymonit.domain.model import Experiment
from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.storage.measure_writer import NewMeasure
from tests.unit.builders import a_rule_spec

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
MEASURE = "hertz"


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class AlertWorld:
    container: Container
    experiment: Experiment
    clock: Clock = field(default_factory=Clock)

    def rule(self, webhook_url: str | None, *, labels: Labels = DEFAULT_LABELS, **condition: Any) -> AlertRule:
        """A rule on the experiment's hertz series: `last` above 10, clear 5, over 60 s, unless told."""
        defaults = Condition(Statistic.LAST, Comparison.ABOVE, 10.0, 5.0, 60, 0, None)
        spec = dataclasses.replace(a_rule_spec(f"rule-{secrets.token_hex(3)}", self.experiment.experiment_id),
                                   condition=dataclasses.replace(defaults, **condition), webhook_url=webhook_url)
        if labels.sensor is not None:
            spec = dataclasses.replace(spec, selector=spec.selector._replace(sensor=labels.sensor))
        return self.container.alert_rule_repository().add(spec, self.type_id, "A-TEST")

    @property
    def type_id(self) -> int:
        return self.container.measure_type_service().names_to_ids()[MEASURE]

    def measure(self, value: float, *, ago: float = 1.0, labels: Labels = DEFAULT_LABELS) -> None:
        """One measure `ago` seconds before the clock's now."""
        moment = self.clock.now - timedelta(seconds=ago)
        experiment = self.experiment
        (series_id,) = self.container.series_store().ensure(experiment.experiment_id, [(self.type_id, labels)],
                                                            limit=100_000)
        key = dedup_key(experiment.name, MEASURE, moment, value, labels=labels)
        self.container.measure_writer().insert(
            [NewMeasure.at(experiment.experiment_id, self.type_id, moment, value, key, series_id)])

    def evaluator(self) -> Evaluator:
        return self.container.alert_evaluator(clock=self.clock)

    def cycle(self, after: float = 0.0) -> CycleReport:
        self.clock.advance(after)
        return self.evaluator().cycle()

    def states(self, rule: AlertRule) -> list[str]:
        rows = self.container.database().run(lambda c: c.fetch_all(
            "SELECT state FROM alerts WHERE rule_id = %s ORDER BY series_id", (rule.rule_id,)))
        return [str(row[0]) for row in rows]

    def history(self, rule: AlertRule) -> list[tuple[str, str]]:
        rows = self.container.database().run(lambda c: c.fetch_all(
            "SELECT h.from_state, h.to_state FROM alert_history h JOIN alerts a ON a.alert_id = h.alert_id"
            " WHERE a.rule_id = %s ORDER BY h.history_id", (rule.rule_id,)))
        return [(str(a), str(b)) for a, b in rows]

    def outbox(self) -> list[tuple[str, int, bool]]:
        """(idempotency key, attempts, delivered) of every notification."""
        rows = self.container.database().run(lambda c: c.fetch_all(
            "SELECT idempotency_key, attempts, delivered_at IS NOT NULL FROM alert_outbox ORDER BY delivery_id"))
        return [(str(k), int(n), bool(d)) for k, n, d in rows]
