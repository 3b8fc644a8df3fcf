"""Alert rules: a threshold on a statistic of one measure type's series over a window (docs/design.md,
Alert rules)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum, unique

from mymonit.domain.series import Selector


@unique
class Statistic(StrEnum):
    LAST = "last"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"


@unique
class Comparison(StrEnum):
    ABOVE = "above"
    BELOW = "below"


@unique
class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Condition:
    """Fires when `statistic` over `window_seconds` is `comparison` `threshold` for `for_seconds`;
    resolves once it is back on the other side of `clear` (hysteresis: `clear` never lies beyond
    `threshold`). `no_data_seconds`: without a measure for that long, the series has no data."""

    statistic: Statistic
    comparison: Comparison
    threshold: float
    clear: float
    window_seconds: int
    for_seconds: int
    no_data_seconds: int | None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What a user defines; `measure_type` by name, as measures name it."""

    name: str
    experiment_id: int
    measure_type: str
    selector: Selector
    condition: Condition
    severity: Severity
    webhook_url: str | None


@dataclass(frozen=True, slots=True)
class AlertRule:
    rule_id: int
    spec: RuleSpec
    created_by: str
