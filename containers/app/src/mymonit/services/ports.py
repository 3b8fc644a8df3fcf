"""The storage ports the services depend on. Storage adapters and the unit tests' fakes implement them.

Every method may raise `mymonit.domain.errors.Unavailable` when the database cannot be reached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from typing import Protocol

from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.alerts import AlertRule, RuleSpec
from mymonit.domain.model import Aggregate, Caller, Experiment, MeasureType, Role, User
from mymonit.domain.queries import AggregateQuery, MeasurePage, MeasureQuery, MeasureRow
from mymonit.domain.series import Labels, Selector, SeriesInfo


class AccessStamp(Protocol):
    """Moves whenever who may read what changes (a user's role, uid or erasure, an association, an
    experiment's name or existence); a caller remembered under one value is stale under another."""

    def current(self) -> int: ...

    def advance(self) -> None:
        """Called after the change committed, before its answer leaves."""
        ...


class UserRepository(Protocol):
    def by_id(self, user_id: str) -> User | None: ...

    def caller(self, username: str) -> Caller | None:
        """The active (not erased) user bound to this Firebase uid, with their associated
        experiments, in one round trip."""
        ...

    def all(self) -> list[User]: ...

    def add(self, user: User) -> None:
        """Raises `DuplicateUser` naming the field that collides."""
        ...

    def update(self, user_id: str, *, name: str, email: str, username: str, role: Role) -> None:
        """Raises `DuplicateUser` on a collision."""
        ...

    def erase(self, user_id: str, at: datetime) -> None:
        """Remove name, email and uid and every association; keep the id for the audit trail."""
        ...


class AlertRuleRepository(Protocol):
    def all(self, experiment_ids: Collection[int] | None) -> list[AlertRule]:
        """The rules of these experiments (None: of every experiment), in id order."""
        ...

    def by_id(self, rule_id: int) -> AlertRule | None: ...

    def add(self, spec: RuleSpec, type_id: int, created_by: str) -> AlertRule:
        """Raises `DuplicateAlertRule` when the experiment has a rule of this name."""
        ...

    def replace(self, rule_id: int, spec: RuleSpec, type_id: int) -> None:
        """Raises `DuplicateAlertRule`."""
        ...

    def delete(self, rule_id: int) -> None: ...


class AlertReader(Protocol):
    def alerts(self, experiment_ids: Collection[int], state: AlertState | None, after: int,
               limit: int) -> list[AlertView]:
        """The alerts of these experiments (in this state), by id above `after`, at most `limit`."""
        ...

    def by_id(self, alert_id: int) -> AlertView | None: ...

    def history(self, alert_id: int, before: int | None, limit: int) -> list[HistoryEntry]:
        """Its transitions, newest first, with ids below `before`, at most `limit`."""
        ...

    def firing(self) -> dict[tuple[int, str], int]:
        """How many alerts fire, by (experiment id, severity)."""
        ...


class ExperimentRepository(Protocol):
    def all(self) -> list[Experiment]: ...

    def by_id(self, experiment_id: int) -> Experiment | None: ...

    def add(self, name: str) -> Experiment:
        """Raises `DuplicateExperiment`."""
        ...

    def rename(self, experiment_id: int, name: str) -> None:
        """Raises `DuplicateExperiment`."""
        ...

    def delete(self, experiment_id: int) -> None:
        """Removes the experiment and its associations; raises `ExperimentHasMeasures`."""
        ...


class AssociationRepository(Protocol):
    def all(self) -> dict[int, list[str]]: ...

    def grant(self, user_id: str, experiment_id: int) -> bool:
        """True if the association is new."""
        ...

    def revoke(self, user_id: str, experiment_id: int) -> bool:
        """True if there was an association to remove."""
        ...


class MeasureTypeRepository(Protocol):
    def all(self) -> list[MeasureType]: ...


class MeasureReader(Protocol):
    def page(self, query: MeasureQuery) -> MeasurePage: ...

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> Aggregate: ...

    def stream(self, query: MeasureQuery, chunk: int = 5_000) -> Iterator[list[MeasureRow]]:
        """Every row of the query in chunks, holding at most one chunk in memory."""
        ...


class SeriesReader(Protocol):
    def listing(self, experiment_id: int, type_id: int | None, chosen: Selector) -> list[SeriesInfo]:
        """The experiment's series that match, ordered by measure type and labels, each with the
        time of its first and last measure."""
        ...

    def matching(self, experiment_id: int, type_id: int | None, chosen: Selector) -> dict[int, Labels]:
        """Id → labels of the experiment's series that match (of one measure type if given)."""
        ...

    def labels(self, series_ids: Iterable[int]) -> dict[int, Labels]:
        """Id → labels of these series (those that exist)."""
        ...

    def counts(self) -> dict[int, int]:
        """Experiment id → how many series it holds (for /metrics)."""
        ...
