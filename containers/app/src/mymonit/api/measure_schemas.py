"""Request and response shapes of measures and series (docs/design.md, Series).

`tag.<key>=<value>` query parameters have names no model can list, so `parse_query` gathers them
into the `tags` field of a `SelectorParams`, and the OpenAPI document describes them in words.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

import orjson
from pydantic import BaseModel, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from mymonit.api.schemas import MeasureName, Moment, Strict
from mymonit.domain.model import Resolution
from mymonit.domain.queries import DEFAULT_BUCKETS, DEFAULT_PAGE, MAX_BUCKETS, MAX_PAGE, Order
from mymonit.domain.series import LABEL_PATTERN, Labels

TAGS_FIELD: Final = "tags"
TAG_PREFIX: Final = "tag."
TAG_PARAMETERS: Final = ("`sensor=` and `tag.<key>=<value>` (one per key, all must match) choose the series; "
                         "without them every series is read.")
Sensor = Annotated[str, StringConstraints(pattern=LABEL_PATTERN)]


class SelectorParams(Strict):
    """The series a read asks for: the parameters every read of measures shares."""

    sensor: Sensor | None = Field(default=None, description="only the series of this sensor")
    tags: SkipJsonSchema[dict[str, str]] = Field(default_factory=dict)  # from tag.<key>=<value>


class GroupBy(StrEnum):
    SERIES = "series"


class MeasureParams(SelectorParams):
    start: Moment | None = Field(default=None, alias="from",
                                 description="inclusive; an empty or inverted range selects nothing")
    end: Moment | None = Field(default=None, alias="to", description="exclusive")
    measure: MeasureName | None = Field(default=None, description="only this measure type")
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    order: Order = Order.ASC
    cursor: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="from the Link rel=next header of the previous page")


class ExportParams(SelectorParams):
    start: Moment | None = Field(default=None, alias="from")
    end: Moment | None = Field(default=None, alias="to")
    measure: MeasureName | None = None
    order: Order = Order.ASC


class AggregateParams(SelectorParams):
    start: Moment = Field(alias="from")
    end: Moment = Field(alias="to")
    measure: MeasureName | None = None
    buckets: int = Field(default=DEFAULT_BUCKETS, ge=1, le=MAX_BUCKETS)
    group_by: GroupBy | None = Field(default=None, description="series: buckets per series, not per measure type")


class SeriesParams(SelectorParams):
    measure: MeasureName | None = Field(default=None, description="only this measure type")


class LabelsOut(BaseModel):
    sensor: str | None = Field(description="null: no sensor")
    tags: dict[str, str] = Field(description="empty: no tags")


class MeasureOut(LabelsOut):
    experiment: str
    measure_type: str
    timestamp: str = Field(description="ISO-8601 UTC with microseconds")
    value: float


class BucketOut(BaseModel):
    measure_type: str
    start: str
    count: int
    min: float
    max: float
    mean: float
    series_id: int | None = Field(default=None, description="with group_by=series only")
    sensor: str | None = Field(default=None, description="with group_by=series only; null: no sensor")
    tags: dict[str, str] | None = Field(default=None, description="with group_by=series only")


class AggregateOut(BaseModel):
    experiment: str
    start: str
    end: str
    bucket_seconds: float
    resolution: Resolution = Field(description="what the buckets before `raw_since` were computed from: 1h or 1m "
                                   "rollups when `from`, `to` and the bucket width are whole hours or minutes, "
                                   "else raw measures; equal to the raw computation either way")
    raw_since: str | None = Field(description="from this time on, the buckets were computed from raw measures "
                                  "(not rolled up yet); null: none were")
    buckets: list[BucketOut]


class SeriesOut(LabelsOut):
    series_id: int
    measure_type: str
    first: str | None = Field(description="the first measure's time, ISO-8601 UTC; null: none yet")
    last: str | None = Field(description="the last measure's time, ISO-8601 UTC; null: none yet")


def labels_json(labels: Labels) -> dict[str, Any]:
    """`sensor` and `tags` of an answer; the tags are already canonical JSON, embedded as they are."""
    return {"sensor": labels.sensor, "tags": orjson.Fragment(labels.tags)}
