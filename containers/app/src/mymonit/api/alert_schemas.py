"""Request and response shapes of alert rules (docs/design.md, Alert rules)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from mymonit.api.measure_schemas import LabelsOut, Sensor, labels_json
from mymonit.api.schemas import DisplayName, MeasureName, Strict
from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.alerts import AlertRule, Comparison, Condition, RuleSpec, Severity, Statistic
from mymonit.domain.errors import BadLabels, InvalidField
from mymonit.domain.series import MAX_TAGS, TAG_KEY, selector
from mymonit.domain.timestamps import iso_utc

MAX_WINDOW = 86_400  # a day: longer windows belong to the rollups' plots, not to alerting
MAX_NO_DATA = 7 * 86_400
MAX_ID = 2**32 - 1  # the experiments' INT UNSIGNED
Finite = Annotated[float, Field(allow_inf_nan=False)]
TagKey = Annotated[str, StringConstraints(pattern=f"^{TAG_KEY.pattern}$")]
# An absolute http(s) URL in ASCII (percent-encoded), without credentials; plain http only to this machine
# (the service checks in which environment).
WebhookUrl = Annotated[str, StringConstraints(
    max_length=2048,
    pattern=r"^(https://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])|http://(localhost|127\.0\.0\.1|\[::1\]))(:[0-9]{1,5})?(/[!-~]*)?$")]


class AlertRuleIn(Strict):
    """`clear` (default: `threshold`) ends a firing alert once the statistic is back beyond it: at or
    below it for `above`, at or above it for `below`."""

    name: DisplayName
    experiment_id: int = Field(ge=1, le=MAX_ID)
    measure: MeasureName = Field(description="a measure type's name (GET /measure-types/)")
    sensor: Sensor | None = Field(default=None, description="only the series of this sensor; absent: every one")
    tags: dict[TagKey, Sensor] = Field(default_factory=dict, max_length=MAX_TAGS,
                                       json_schema_extra={"additionalProperties": False},
                                       description="only the series with these tags")
    statistic: Statistic = Field(description="what is compared over the window")
    condition: Comparison
    threshold: Finite
    clear: Finite | None = None
    window: int = Field(ge=1, le=MAX_WINDOW, description="seconds the statistic is computed over")
    for_: int = Field(default=0, ge=0, le=MAX_WINDOW, alias="for",
                      description="seconds the condition must hold before the alert fires")
    no_data_after: int | None = Field(default=None, ge=1, le=MAX_NO_DATA,
                                      description="seconds without a measure before a series has no data")
    severity: Severity = Severity.WARNING
    webhook_url: WebhookUrl | None = Field(default=None, description="https (or http to localhost in development);"
                                           " notified when an alert fires and resolves")

    @field_validator("clear")
    @classmethod
    def _clear_on_the_normal_side(cls, clear: float | None, info: ValidationInfo) -> float | None:
        condition, threshold = info.data.get("condition"), info.data.get("threshold")
        if clear is None or condition is None or threshold is None:
            return clear
        if (clear > threshold) if condition is Comparison.ABOVE else (clear < threshold):
            side = "at or below" if condition is Comparison.ABOVE else "at or above"
            raise ValueError(f"for `{condition.value}`, clear must be {side} the threshold")
        return clear

    def condition_of(self) -> Condition:
        clear = self.threshold if self.clear is None else self.clear
        return Condition(self.statistic, self.condition, self.threshold, clear, self.window, self.for_,
                         self.no_data_after)

    def spec(self) -> RuleSpec:
        try:
            chosen = selector(self.sensor, self.tags)
        except BadLabels as error:
            raise InvalidField(error.field, str(error)) from error
        return RuleSpec(self.name, self.experiment_id, self.measure, chosen, self.condition_of(), self.severity,
                        self.webhook_url)


class AlertRuleOut(BaseModel):
    rule_id: int
    name: str
    experiment_id: int
    measure: str
    sensor: str | None
    tags: dict[str, str]
    statistic: Statistic
    condition: Comparison
    threshold: float
    clear: float
    window: int
    for_: int = Field(alias="for")
    no_data_after: int | None
    severity: Severity
    webhook_url: str | None
    created_by: str


class AlertRuleParams(Strict):
    experiment_id: int | None = Field(default=None, ge=1, description="only the rules of this experiment")


def rule_json(rule: AlertRule) -> dict[str, object]:
    spec, condition = rule.spec, rule.spec.condition
    return {
        "rule_id": rule.rule_id, "name": spec.name, "experiment_id": spec.experiment_id,
        "measure": spec.measure_type, "sensor": spec.selector.sensor, "tags": dict(spec.selector.tags),
        "statistic": condition.statistic.value, "condition": condition.comparison.value,
        "threshold": condition.threshold, "clear": condition.clear, "window": condition.window_seconds,
        "for": condition.for_seconds, "no_data_after": condition.no_data_seconds, "severity": spec.severity.value,
        "webhook_url": spec.webhook_url, "created_by": rule.created_by,
    }


MAX_ALERTS_PAGE = 1_000


class AlertParams(Strict):
    experiment_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                      description="only this experiment's alerts (403 if not yours)")
    state: AlertState | None = Field(default=None, description="only the alerts in this state")
    after: int = Field(default=0, ge=0, description="only alerts with a higher id (the Link header's next page)")
    limit: int = Field(default=100, ge=1, le=MAX_ALERTS_PAGE)


class AlertOut(LabelsOut):
    alert_id: int
    rule_id: int
    rule: str = Field(description="the rule's name")
    experiment_id: int
    severity: Severity
    measure: str
    series_id: int
    state: AlertState
    since: str = Field(description="when the alert entered its state, ISO-8601 UTC")
    fired_at: str | None = Field(description="when it last began firing; null: never")
    value: float | None = Field(description="the rule's statistic when last evaluated; null: none yet")
    value_at: str


class HistoryParams(Strict):
    before: int | None = Field(default=None, ge=1, description="only transitions older than this one (next page)")
    limit: int = Field(default=100, ge=1, le=MAX_ALERTS_PAGE)


class TransitionOut(BaseModel):
    history_id: int
    previous: AlertState
    state: AlertState
    at: str
    value: float | None


class AlertHistoryOut(BaseModel):
    alert: AlertOut
    transitions: list[TransitionOut] = Field(description="newest first")


def alert_json(alert: AlertView) -> dict[str, object]:
    return {
        "alert_id": alert.alert_id, "rule_id": alert.rule_id, "rule": alert.rule_name,
        "experiment_id": alert.experiment_id, "severity": alert.severity, "measure": alert.measure_type,
        "series_id": alert.series_id, **labels_json(alert.labels), "state": alert.state.value,
        "since": iso_utc(alert.since), "fired_at": None if alert.fired_at is None else iso_utc(alert.fired_at),
        "value": alert.last_value, "value_at": iso_utc(alert.value_at),
    }


def transition_json(entry: HistoryEntry) -> dict[str, object]:
    return {"history_id": entry.history_id, "previous": entry.previous.value, "state": entry.state.value,
            "at": iso_utc(entry.at), "value": entry.value}
