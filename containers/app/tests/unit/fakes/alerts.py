"""The fake of `services.ports.AlertRuleRepository`, held to MySqlAlertRuleRepository by
tests/integration/contracts/test_alert_rule_repository_contract.py."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.alerts import AlertRule, RuleSpec
from mymonit.domain.errors import DuplicateAlertRule
from tests.unit.fakes.store import InMemoryStore, folded


class FakeAlertRuleRepository:
    """Names compare as the column's collation does, within one experiment; the measure type is read
    back by its id, as the table's join does."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self, experiment_ids: Collection[int] | None) -> list[AlertRule]:
        rules = sorted(self._store.alert_rules.values(), key=lambda r: r.rule_id)
        return [r for r in rules if experiment_ids is None or r.spec.experiment_id in experiment_ids]

    def by_id(self, rule_id: int) -> AlertRule | None:
        return self._store.alert_rules.get(rule_id)

    def add(self, spec: RuleSpec, type_id: int, created_by: str) -> AlertRule:
        self._refuse_duplicate(spec, None)
        self._store.last_rule_id += 1
        rule = AlertRule(self._store.last_rule_id, self._typed(spec, type_id), created_by)
        self._store.alert_rules[rule.rule_id] = rule
        return rule

    def replace(self, rule_id: int, spec: RuleSpec, type_id: int) -> None:
        current = self._store.alert_rules.get(rule_id)
        if current is None:
            return  # an UPDATE that matches no row changes nothing
        self._refuse_duplicate(spec, rule_id)
        self._store.alert_rules[rule_id] = AlertRule(rule_id, self._typed(spec, type_id), current.created_by)

    def delete(self, rule_id: int) -> None:
        self._store.alert_rules.pop(rule_id, None)

    def _typed(self, spec: RuleSpec, type_id: int) -> RuleSpec:
        name = next(t.name for t in self._store.measure_types if t.type_id == type_id)
        return dataclasses.replace(spec, measure_type=name)

    def _refuse_duplicate(self, spec: RuleSpec, rule_id: int | None) -> None:
        if any(r.spec.experiment_id == spec.experiment_id and folded(r.spec.name) == folded(spec.name)
               and r.rule_id != rule_id for r in self._store.alert_rules.values()):
            raise DuplicateAlertRule


class FakeAlertReader:
    """The fake of `services.ports.AlertReader`, over the store's `alerts` and `alert_history`
    (each alert's transitions, oldest first)."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def alerts(self, experiment_ids: Collection[int], state: AlertState | None, after: int,
               limit: int) -> list[AlertView]:
        chosen = [a for _, a in sorted(self._store.alerts.items()) if a.experiment_id in experiment_ids
                  and (state is None or a.state is state) and a.alert_id > after]
        return chosen[:limit]

    def by_id(self, alert_id: int) -> AlertView | None:
        return self._store.alerts.get(alert_id)

    def history(self, alert_id: int, before: int | None, limit: int) -> list[HistoryEntry]:
        newest_first = sorted(self._store.alert_history.get(alert_id, []), key=lambda e: -e.history_id)
        return [e for e in newest_first if before is None or e.history_id < before][:limit]

    def firing(self) -> dict[tuple[int, str], int]:
        counts: dict[tuple[int, str], int] = {}
        for alert in self._store.alerts.values():
            if alert.state is AlertState.FIRING:
                key = (alert.experiment_id, alert.severity)
                counts[key] = counts.get(key, 0) + 1
        return counts
