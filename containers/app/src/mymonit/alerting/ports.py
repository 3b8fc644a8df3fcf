"""What the evaluator and the deliverer need from storage; `storage.alert_store` implements them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mymonit.domain.alert_states import AlertState
from mymonit.domain.alerts import AlertRule
from mymonit.domain.series import Labels


@dataclass(frozen=True, slots=True)
class RuleOnType:
    """A rule, with the id of the measure type it names (series carry ids)."""

    rule: AlertRule
    type_id: int


@dataclass(frozen=True, slots=True)
class Target:
    """A series some rule may apply to."""

    series_id: int
    experiment_id: int
    type_id: int
    labels: Labels


@dataclass(frozen=True, slots=True)
class Tracked:
    """The stored state of one (rule, series) pair: an alert."""

    alert_id: int
    rule_id: int
    series_id: int
    state: AlertState
    since: datetime
    fired_at: datetime | None
    last_value: float | None
    value_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class WindowStats:
    count: int
    total: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Notification:
    """A webhook POST to make: `key` stays the same through every retry (the Idempotency-Key)."""

    url: str
    key: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Transition:
    alert: Tracked
    to: AlertState
    at: datetime
    value: float | None
    notification: Notification | None

    @property
    def key(self) -> str:
        """Unique per transition and stable: the alert and the version the transition makes."""
        return f"{self.alert.alert_id}.{self.alert.version + 1}"


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery_id: int
    notification: Notification
    attempts: int  # including the one now claimed


class AlertStore(Protocol):
    def rules(self) -> list[RuleOnType]: ...

    def targets(self, rules: Sequence[RuleOnType]) -> list[Target]:
        """Every series of an (experiment, measure type) that one of `rules` names; the same list
        while neither the series nor the rules given changed."""
        ...

    def track(self, pairs: Collection[tuple[int, int]], now: datetime) -> list[Tracked]:
        """The alerts of these (rule id, series id) pairs, created (normal, since `now`) where
        missing; the alerts of pairs no longer among them are removed."""
        ...

    def newest(self, series_ids: Sequence[int], now: datetime) -> dict[int, tuple[datetime, float]]:
        """Each series' newest measure at or before `now` (time, value); none: no measure."""
        ...

    def windows(self, series_ids: Sequence[int], start: datetime, now: datetime) -> dict[int, WindowStats]:
        """Each series' measures after `start` up to `now`, summed up; none: no measure."""
        ...

    def take(self, transition: Transition) -> bool:
        """Record the transition, its history row and its notification in one transaction, if the
        alert is still at the version it was read at; False: another evaluator took one first."""
        ...

    def refresh(self, values: Sequence[tuple[Tracked, float]], now: datetime) -> None:
        """The newest value of alerts whose state did not change."""
        ...


class Outbox(Protocol):
    def claim(self, limit: int, lease_seconds: float) -> list[Delivery]:
        """Due notifications, each claimed for `lease_seconds` (no other deliverer takes it meanwhile)."""
        ...

    def delivered(self, delivery_id: int) -> None: ...

    def attempt_failed(self, delivery_id: int, error: str, retry_in: float | None) -> None:
        """`retry_in` seconds to the next attempt; None: given up."""
        ...

    def prune(self, older_than_seconds: int) -> int:
        """Remove notifications delivered or given up longer ago than that; returns how many."""
        ...
