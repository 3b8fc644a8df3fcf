"""What an alert rule makes of one series at one moment (docs/design.md, Alert evaluation).

Each (rule, series) pair is an alert in one of five states. `decide` is the whole state machine:
from the state the pair is in, what its series shows now, and the rule's condition, the state it
is in next. It is pure, so the evaluator, its tests and a reader of the design see the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum, unique

from mymonit.domain.alerts import Comparison, Condition
from mymonit.domain.series import Labels


@unique
class AlertState(StrEnum):
    NORMAL = "normal"  # never fired, or back from no-data
    PENDING = "pending"  # the condition holds, not yet for `for` seconds
    FIRING = "firing"
    RESOLVED = "resolved"  # fired, then cleared; normal until the condition holds again
    NO_DATA = "no-data"  # no measure for `no_data_after` seconds



@dataclass(frozen=True, slots=True)
class Observation:
    """What a series shows at the moment of evaluation: its newest measure's time (None: no measure
    yet), and the rule's statistic over its window (None: no measure in the window)."""

    newest: datetime | None
    value: float | None


def silent(condition: Condition, observed: Observation, now: datetime) -> bool:
    if condition.no_data_seconds is None:
        return False
    return observed.newest is None or (now - observed.newest).total_seconds() > condition.no_data_seconds


def holds(condition: Condition, value: float) -> bool:
    above = condition.comparison is Comparison.ABOVE
    return value > condition.threshold if above else value < condition.threshold


def cleared(condition: Condition, value: float) -> bool:
    """Back on the normal side of `clear` (which is never beyond the threshold)."""
    above = condition.comparison is Comparison.ABOVE
    return value <= condition.clear if above else value >= condition.clear


def decide(condition: Condition, state: AlertState, since: datetime, observed: Observation,
           now: datetime) -> AlertState:
    """The state after this evaluation; `since`: when the pair entered `state`.

    A window without measures (but not yet silent for `no_data_after`) decides nothing: the state
    stays, except that data again ends no-data.
    """
    if silent(condition, observed, now):
        return AlertState.NO_DATA
    value = observed.value
    if value is None:
        return AlertState.NORMAL if state is AlertState.NO_DATA else state
    if state is AlertState.FIRING:
        return AlertState.RESOLVED if cleared(condition, value) else AlertState.FIRING
    if not holds(condition, value):
        return AlertState.NORMAL if state in (AlertState.PENDING, AlertState.NO_DATA) else state
    if state is AlertState.PENDING:
        held = (now - since).total_seconds()
        return AlertState.FIRING if held >= condition.for_seconds else AlertState.PENDING
    return AlertState.FIRING if condition.for_seconds == 0 else AlertState.PENDING


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert as it is read: its rule, its series, its state since when, its newest value."""

    alert_id: int
    rule_id: int
    rule_name: str
    experiment_id: int
    severity: str
    measure_type: str
    series_id: int
    labels: Labels
    state: AlertState
    since: datetime
    fired_at: datetime | None
    last_value: float | None
    value_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    history_id: int
    previous: AlertState
    state: AlertState
    at: datetime
    value: float | None
