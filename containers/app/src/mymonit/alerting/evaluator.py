"""One evaluation cycle: every rule on every series it applies to, at one moment `now`."""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mymonit.alerting.matching import pairs
from mymonit.alerting.notifications import notification
from mymonit.alerting.ports import AlertStore, RuleOnType, Target, Tracked, Transition, WindowStats
from mymonit.audit import AuditEvent, AuditTrail
from mymonit.domain.alert_states import AlertState, Observation, decide
from mymonit.domain.alerts import Condition, Statistic

EVENTS = {
    AlertState.NORMAL: AuditEvent.ALERTS_ALERT_NORMAL, AlertState.PENDING: AuditEvent.ALERTS_ALERT_PENDING,
    AlertState.FIRING: AuditEvent.ALERTS_ALERT_FIRING, AlertState.RESOLVED: AuditEvent.ALERTS_ALERT_RESOLVED,
    AlertState.NO_DATA: AuditEvent.ALERTS_ALERT_NO_DATA,
}


VALUE_REFRESH = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class CycleReport:
    rules: int
    alerts: int
    transitions: int  # taken by this evaluator
    notifications: int  # of those, how many wait in the outbox
    seconds: float


def utc_now() -> datetime:
    return datetime.now(UTC)


class Evaluator:
    """`external_url`: the service's public address, for the notifications' links ("" for none)."""

    def __init__(self, store: AlertStore, trail: AuditTrail, *, external_url: str = "",
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._trail = trail
        self._external_url = external_url.rstrip("/")
        self._clock = clock
        self._matching: tuple[list[RuleOnType], list[Target], list[tuple[RuleOnType, Target]]] | None = None

    def cycle(self) -> CycleReport:
        started = time.perf_counter()
        now = self._clock()
        rules = self._store.rules()
        matched = self._matched(rules, self._store.targets(rules))
        tracked = {(a.rule_id, a.series_id): a
                   for a in self._store.track([(r.rule.rule_id, t.series_id) for r, t in matched], now)}
        observe = self._observer(matched, now)
        transitions: list[tuple[RuleOnType, Transition]] = []
        values: list[tuple[Tracked, float]] = []
        for rule, target in matched:
            alert = tracked[(rule.rule.rule_id, target.series_id)]
            condition = rule.rule.spec.condition
            observed = observe(condition, target.series_id)
            to = decide(condition, alert.state, alert.since, observed, now)
            if to is alert.state:
                if observed.value is not None and self._worth_writing(alert, observed.value, now):
                    values.append((alert, observed.value))
                continue
            transitions.append((rule, self._transition(rule, target, alert, to, observed.value, now)))
        taken = [(rule, t) for rule, t in transitions if self._store.take(t)]
        for rule, transition in taken:
            self._audit(rule, transition)
        self._store.refresh(values, now)
        return CycleReport(len(rules), len(matched), len(taken), sum(t.notification is not None for _, t in taken),
                           time.perf_counter() - started)

    @staticmethod
    def _worth_writing(alert: Tracked, value: float, now: datetime) -> bool:
        """A changed value is written at once unless the alert is normal and has one already, then at
        most every VALUE_REFRESH: 10,000 quiet series cost no 10,000 writes per cycle."""
        if value == alert.last_value:
            return False
        quiet = alert.state is AlertState.NORMAL and alert.last_value is not None
        return not quiet or now - alert.value_at >= VALUE_REFRESH

    def _matched(self, rules: list[RuleOnType], targets: list[Target]) -> list[tuple[RuleOnType, Target]]:
        """Matched again only when the store gives other lists (it keeps them while nothing changed)."""
        known = self._matching
        if known is None or known[0] is not rules or known[1] is not targets:
            known = self._matching = (rules, targets, pairs(rules, targets))
        return known[2]

    def _transition(self, rule: RuleOnType, target: Target, alert: Tracked, to: AlertState, value: float | None,
                    now: datetime) -> Transition:
        transition = Transition(alert, to, now, value, None)
        return dataclasses.replace(transition, notification=notification(rule, target, transition, self._external_url))

    def _observer(self, matched: Sequence[tuple[RuleOnType, Target]],
                  now: datetime) -> Callable[[Condition, int], Observation]:
        """What each series shows for a condition: two grouped reads for all of them (the newest
        measures; the windows' sums, one read per window length)."""
        newest = self._store.newest(sorted({t.series_id for _, t in matched}), now)
        wanted: dict[int, set[int]] = defaultdict(set)
        for rule, target in matched:
            condition = rule.rule.spec.condition
            if condition.statistic is not Statistic.LAST:
                wanted[condition.window_seconds].add(target.series_id)
        windows = {seconds: self._store.windows(sorted(ids), now - timedelta(seconds=seconds), now)
                   for seconds, ids in wanted.items()}

        def observe(condition: Condition, series_id: int) -> Observation:
            found = newest.get(series_id)
            if found is None:
                return Observation(None, None)
            if condition.statistic is Statistic.LAST:
                fresh = found[0] > now - timedelta(seconds=condition.window_seconds)
                return Observation(found[0], found[1] if fresh else None)
            stats = windows[condition.window_seconds].get(series_id)
            return Observation(found[0], None if stats is None else statistic(condition.statistic, stats))

        return observe

    def _audit(self, rule: RuleOnType, transition: Transition) -> None:
        alert = transition.alert
        self._trail.emit(EVENTS[transition.to], alert_id=alert.alert_id, rule_id=alert.rule_id,
                         experiment_id=rule.rule.spec.experiment_id, series_id=alert.series_id,
                         previous=alert.state.value, value=transition.value,
                         notified=transition.notification is not None)


def statistic(kind: Statistic, stats: WindowStats) -> float:
    if kind is Statistic.MEAN:
        return stats.total / stats.count
    return stats.low if kind is Statistic.MIN else stats.high
