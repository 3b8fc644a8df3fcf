"""Entities and values of MyMONIT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mymonit.domain.personal import Personal


class Role(StrEnum):
    ADMIN = "ADMIN"
    SCIENTIST = "SCIENTIST"


@dataclass(frozen=True, slots=True)
class User:
    """A staff member. `username` is the Firebase uid that binds a token to this user.

    Name, email and username are personal data (GDPR): they are wrapped in `Personal`, which
    never shows its value in `repr`/`str`, so a user logged by mistake leaks nothing.
    """

    user_id: str
    name: Personal
    username: Personal
    email: Personal
    role: Role
    erased_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


@dataclass(frozen=True, slots=True)
class Experiment:
    experiment_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Caller(User):
    """The user behind a request, with the experiments they are associated with.

    Both are read in one statement when the request is authenticated, so every permission check
    of the request sees the same moment and none costs another round trip. An ADMIN's are never
    used: admins see every experiment and read no measures.
    """

    experiments: tuple[Experiment, ...] = ()

    @classmethod
    def of(cls, user: User, experiments: tuple[Experiment, ...]) -> Caller:
        return cls(user.user_id, user.name, user.username, user.email, user.role, user.erased_at, experiments)

    def associated(self, experiment_id: int) -> Experiment | None:
        """The experiment if this caller is associated with it, else None."""
        return next((e for e in self.experiments if e.experiment_id == experiment_id), None)


@dataclass(frozen=True, slots=True)
class MeasureType:
    type_id: int
    name: str
    symbol: str
    quantity: str


@dataclass(frozen=True, slots=True)
class Bucket:
    """Aggregate of the measures of one type (or of one series: `series_id`) in [start, start + width)."""

    measure_type: str
    start: datetime
    count: int
    min: float
    max: float
    mean: float
    series_id: int | None = None


class Resolution(StrEnum):
    """What an aggregate's buckets were computed from: raw measures, or minute or hour rollups."""

    RAW = "raw"
    MINUTE = "1m"
    HOUR = "1h"


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Buckets, and how they were computed: from `resolution`'s rollups before `raw_since`, from raw
    measures from `raw_since` on (None: nothing raw); equal to the raw computation either way
    (docs/design.md, Rollups)."""

    buckets: list[Bucket]
    resolution: Resolution = Resolution.RAW
    raw_since: datetime | None = None
