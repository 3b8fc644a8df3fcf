"""In-memory fakes of our own ports (services/ports.py, auth/verifier.py), sharing one `InMemoryStore`.

They keep the contracts the ports' docstrings state (duplicates raise, erasure drops associations,
`caller` skips erased users, keyset pages are ordered by (ts, key)) and nothing more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from mymonit.auth.verifier import AccountStatus
from mymonit.domain.errors import DuplicateExperiment, DuplicateUser, ExperimentHasMeasures, TokenRejected
from mymonit.domain.model import Bucket, Caller, Experiment, MeasureType, Role, User
from mymonit.domain.personal import Personal
from mymonit.domain.queries import AggregateQuery, Cursor, MeasurePage, MeasureQuery, MeasureRow, Order
from mymonit.domain.timestamps import iso_utc
from mymonit.services.experiments import ExperimentService
from mymonit.services.measures import MeasureService, MeasureTypeService
from mymonit.services.ports import (
    AssociationRepository,
    ExperimentRepository,
    MeasureReader,
    MeasureTypeRepository,
    UserRepository,
)
from mymonit.services.users import UserService


@dataclass
class InMemoryStore:
    users: dict[str, User] = field(default_factory=dict)
    experiments: dict[int, Experiment] = field(default_factory=dict)
    associations: set[tuple[str, int]] = field(default_factory=set)
    measure_types: list[MeasureType] = field(default_factory=list)
    measures: list[tuple[int, StoredMeasure]] = field(default_factory=list)  # (experiment_id, row)


class FakeUserRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def by_id(self, user_id: str) -> User | None:
        return self._store.users.get(user_id)

    def caller(self, username: str) -> Caller | None:
        user = next((u for u in self._store.users.values()
                     if not u.is_erased and u.username.reveal() == username), None)
        if user is None:
            return None
        experiments = tuple(e for _, e in sorted(self._store.experiments.items())
                            if (user.user_id, e.experiment_id) in self._store.associations)
        return Caller.of(user, experiments)

    def all(self) -> list[User]:
        return sorted(self._store.users.values(), key=lambda u: u.user_id)

    def add(self, user: User) -> None:
        if user.user_id in self._store.users:
            raise DuplicateUser("user_id")
        self._refuse_collisions(user.user_id, user.username.reveal(), user.email.reveal())
        self._store.users[user.user_id] = user

    def update(self, user_id: str, *, name: str, email: str, username: str, role: Role) -> None:
        self._refuse_collisions(user_id, username, email)
        current = self._store.users[user_id]
        self._store.users[user_id] = dataclasses.replace(
            current, name=Personal(name), email=Personal(email), username=Personal(username), role=role)

    def erase(self, user_id: str, at: datetime) -> None:
        current = self._store.users[user_id]
        self._store.users[user_id] = dataclasses.replace(
            current, name=Personal(None), username=Personal(None), email=Personal(None), erased_at=at)
        self._store.associations = {(u, e) for u, e in self._store.associations if u != user_id}

    def _refuse_collisions(self, user_id: str, username: str | None, email: str | None) -> None:
        for other in self._store.users.values():
            if other.user_id == user_id:
                continue
            if username is not None and other.username.reveal() == username:
                raise DuplicateUser("username")
            if email is not None and other.email.reveal() == email:
                raise DuplicateUser("email")


class FakeExperimentRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> list[Experiment]:
        return sorted(self._store.experiments.values(), key=lambda e: e.experiment_id)

    def by_id(self, experiment_id: int) -> Experiment | None:
        return self._store.experiments.get(experiment_id)

    def add(self, name: str) -> Experiment:
        self._refuse_duplicate(name, None)
        experiment = Experiment(max(self._store.experiments, default=0) + 1, name)
        self._store.experiments[experiment.experiment_id] = experiment
        return experiment

    def rename(self, experiment_id: int, name: str) -> None:
        self._refuse_duplicate(name, experiment_id)
        self._store.experiments[experiment_id] = Experiment(experiment_id, name)

    def delete(self, experiment_id: int) -> None:
        if any(owner == experiment_id for owner, _ in self._store.measures):
            raise ExperimentHasMeasures(experiment_id)
        self._store.associations = {(u, e) for u, e in self._store.associations if e != experiment_id}
        self._store.experiments.pop(experiment_id, None)

    def _refuse_duplicate(self, name: str, experiment_id: int | None) -> None:
        if any(e.name == name and e.experiment_id != experiment_id for e in self._store.experiments.values()):
            raise DuplicateExperiment


class FakeAssociationRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> dict[int, list[str]]:
        return {
            experiment_id: sorted(u for u, e in self._store.associations if e == experiment_id)
            for experiment_id in sorted(self._store.experiments)
        }

    def grant(self, user_id: str, experiment_id: int) -> bool:
        new = (user_id, experiment_id) not in self._store.associations
        self._store.associations.add((user_id, experiment_id))
        return new

    def revoke(self, user_id: str, experiment_id: int) -> bool:
        existed = (user_id, experiment_id) in self._store.associations
        self._store.associations.discard((user_id, experiment_id))
        return existed


class FakeMeasureTypeRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> list[MeasureType]:
        return list(self._store.measure_types)


@dataclass(frozen=True)
class StoredMeasure:
    """A measure as the fake store keeps it; the reader shows it as a `MeasureRow`."""

    key: int
    type_id: int
    ts: datetime
    value: float

    def shown(self) -> MeasureRow:
        return MeasureRow(self.key, self.type_id, iso_utc(self.ts), self.value)


class FakeMeasureReader:
    """Answers from the store's rows and remembers every query it was asked."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.queries: list[MeasureQuery | AggregateQuery] = []

    def page(self, query: MeasureQuery) -> MeasurePage:
        self.queries.append(query)
        rows = [r for r in self._matching(query) if _after(r, query.after, query.order)]
        if len(rows) <= query.limit:
            return MeasurePage([r.shown() for r in rows], None)
        last = rows[query.limit - 1]
        return MeasurePage([r.shown() for r in rows[:query.limit]], Cursor(last.ts, last.key))

    def aggregate(self, query: AggregateQuery, type_names: dict[int, str]) -> list[Bucket]:
        self.queries.append(query)
        groups: dict[tuple[datetime, int], list[float]] = {}
        for experiment_id, row in self._store.measures:
            wanted_type = query.type_id is None or row.type_id == query.type_id
            if experiment_id == query.experiment_id and wanted_type and query.start <= row.ts < query.end:
                start = query.start + ((row.ts - query.start) // query.width) * query.width
                groups.setdefault((start, row.type_id), []).append(row.value)
        return [
            Bucket(type_names[type_id], start, len(values), min(values), max(values), sum(values) / len(values))
            for (start, type_id), values in sorted(groups.items())
        ]

    def stream(self, query: MeasureQuery, chunk: int = 5_000) -> Iterator[list[MeasureRow]]:
        self.queries.append(query)
        rows = [r.shown() for r in self._matching(query)]
        for first in range(0, len(rows), chunk):
            yield rows[first:first + chunk]

    def _matching(self, query: MeasureQuery) -> list[StoredMeasure]:
        start, end = query.range.start, query.range.end
        rows = [
            row for experiment_id, row in self._store.measures
            if experiment_id == query.experiment_id
            and (query.type_id is None or row.type_id == query.type_id)
            and (start is None or row.ts >= start) and (end is None or row.ts < end)
        ]
        return sorted(rows, key=lambda r: (r.ts, r.key), reverse=query.order is Order.DESC)


def _after(row: StoredMeasure, cursor: Cursor | None, order: Order) -> bool:
    if cursor is None:
        return True
    if order is Order.ASC:
        return (row.ts, row.key) > (cursor.ts, cursor.key)
    return (row.ts, row.key) < (cursor.ts, cursor.key)


class FakeTokenVerifier:
    """Knows a fixed set of tokens, each naming a Firebase uid; rejects every other token."""

    def __init__(self, uids_by_token: dict[str, str] | None = None) -> None:
        self.uids_by_token = dict(uids_by_token or {})

    def verify(self, token: str) -> str:
        try:
            return self.uids_by_token[token]
        except KeyError:
            raise TokenRejected("the token is not a valid Firebase ID token") from None


class FakeAccountStatusSource:
    """Account statuses by uid; counts the lookups; an uid listed in `failures` raises its error once."""

    def __init__(self, statuses: dict[str, AccountStatus] | None = None) -> None:
        self.statuses = dict(statuses or {})
        self.failures: dict[str, Exception] = {}
        self.lookups: list[str] = []

    def status(self, uid: str) -> AccountStatus:
        self.lookups.append(uid)
        if uid in self.failures:
            raise self.failures.pop(uid)
        if uid not in self.statuses:
            raise TokenRejected("the account of this token no longer exists")
        return self.statuses[uid]


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeDatabase:
    """Stands in for `storage.database.Database` where the app only asks whether it answers."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def ping(self) -> bool:
        return self.ready


@dataclass
class Ports:
    """The fakes, typed as the ports they stand for (mypy checks that they fit)."""

    users: UserRepository
    experiments: ExperimentRepository
    associations: AssociationRepository
    measure_types: MeasureTypeRepository
    reader: FakeMeasureReader  # the fake itself: tests read back the queries it was asked

    @property
    def measure_reader(self) -> MeasureReader:
        return self.reader


@dataclass
class Services:
    users: UserService
    experiments: ExperimentService
    measure_types: MeasureTypeService
    measures: MeasureService


def ports_over(store: InMemoryStore) -> Ports:
    return Ports(FakeUserRepository(store), FakeExperimentRepository(store), FakeAssociationRepository(store),
                 FakeMeasureTypeRepository(store), FakeMeasureReader(store))


def services_over(ports: Ports) -> Services:
    types = MeasureTypeService(ports.measure_types)
    return Services(
        UserService(ports.users),
        ExperimentService(ports.experiments, ports.associations, ports.users),
        types,
        MeasureService(ports.measure_reader, types),
    )


def caller_of(store: InMemoryStore, user_id: str) -> Caller:
    """The user as a request would see them: with their associations at this moment."""
    caller = FakeUserRepository(store).caller(store.users[user_id].username.reveal() or "")
    assert caller is not None, f"{user_id} is erased"
    return caller
