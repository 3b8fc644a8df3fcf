"""The one in-memory world the fakes share, and the text comparisons of the MariaDB columns they stand for."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from mymonit.domain.alert_states import AlertView, HistoryEntry
from mymonit.domain.alerts import AlertRule
from mymonit.domain.model import Experiment, MeasureType, User
from mymonit.domain.queries import MeasureRow
from mymonit.domain.timestamps import iso_utc


@dataclass
class InMemoryStore:
    users: dict[str, User] = field(default_factory=dict)
    experiments: dict[int, Experiment] = field(default_factory=dict)
    associations: set[tuple[str, int]] = field(default_factory=set)  # (user_id as granted, experiment_id)
    measure_types: list[MeasureType] = field(default_factory=list)
    measures: list[tuple[int, StoredMeasure]] = field(default_factory=list)  # (experiment_id, row)
    last_experiment_id: int = 0  # like AUTO_INCREMENT: a deleted experiment's id is never given again
    alert_rules: dict[int, AlertRule] = field(default_factory=dict)
    last_rule_id: int = 0
    alerts: dict[int, AlertView] = field(default_factory=dict)
    alert_history: dict[int, list[HistoryEntry]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredMeasure:
    """A measure as the fake store keeps it; the reader shows it as a `MeasureRow`."""

    key: int
    type_id: int
    ts: datetime
    value: float
    series_id: int = 0  # 0: no series yet (stored before series existed)

    def shown(self) -> MeasureRow:
        return MeasureRow(self.key, self.type_id, iso_utc(self.ts), self.value, self.series_id)


def folded(text: str) -> str:
    """`text` as the columns' collation (utf8mb4_unicode_ci, PAD SPACE) compares it: letter case,
    accents and trailing spaces do not count. So "S001" and "s001", "Exp-One" and "exp-óne " are equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().rstrip(" ")


_PUNCTUATION_FIRST = str.maketrans({"_": "\x01", "-": "\x02", ".": "\x03"})


def collated(user_id: str) -> str:
    """The sort key of a user id (`USER_ID_PATTERN`: ASCII letters, digits, `_`, `-`, `.`) in the
    collation's order: case ignored, and `_` < `-` < `.` < digits < letters."""
    return folded(user_id).translate(_PUNCTUATION_FIRST)


def same_user_id(first: str, second: str) -> bool:
    return folded(first) == folded(second)
