"""Request and response shapes (pydantic). Field names are the original project's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StringConstraints, WithJsonSchema

from mymonit.domain.model import Role
from mymonit.domain.rules import DISPLAY_NAME_PATTERN, EMAIL_PATTERN, UID_PATTERN, USER_ID_PATTERN

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)


_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,9})?$"
# RFC 3339 allows a leap second (:60) that datetime cannot hold; it is read as the end of :59.
_LEAP_SECOND = re.compile(r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}):60")
# Python's parser takes +05:60 as +06:00; an offset must have hours < 24 and minutes < 60.
_BAD_OFFSET = re.compile(r"[Tt ][0-9:.,]+[+-](?!(?:[01]\d|2[0-3]):?[0-5]\d(?::?[0-5]\d)?$)[0-9:]+$")


def _moment(value: object) -> datetime:
    """Unix seconds (as text) or ISO-8601 (naive means UTC), clamped to what the store holds.

    A query bound outside 1970..9999 selects the same rows as the nearest bound inside, so it is
    clamped rather than refused.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and re.match(_NUMBER, value.strip()):
        seconds = min(max(float(value), EARLIEST.timestamp()), LATEST.timestamp())
        parsed = datetime.fromtimestamp(seconds, tz=UTC)
    elif isinstance(value, str) and _BAD_OFFSET.search(value.strip()):
        raise ValueError("the UTC offset must be between -23:59 and +23:59")
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(_LEAP_SECOND.sub(r"\1:59.999999", value.strip(), count=1))
        except ValueError as error:
            raise ValueError("expected ISO-8601 (2022-04-06T07:00:00Z) or Unix seconds") from error
    else:
        raise ValueError("expected ISO-8601 (2022-04-06T07:00:00Z) or Unix seconds")
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        return min(max(parsed.astimezone(UTC), EARLIEST), LATEST)
    except OverflowError:  # an offset that pushes year 1 or 9999 over the edge
        return EARLIEST if parsed.year < 1970 else LATEST


Moment = Annotated[
    datetime,
    PlainValidator(_moment),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "pattern": _NUMBER}],
                    "description": "ISO-8601 (naive means UTC) or Unix seconds"}),
]
DisplayName = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=DISPLAY_NAME_PATTERN), AfterValidator(str.strip)
]
UserId = Annotated[str, StringConstraints(pattern=USER_ID_PATTERN.pattern)]
Uid = Annotated[str, StringConstraints(pattern=UID_PATTERN.pattern)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN.pattern, max_length=320)]
MeasureName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class ExperimentIn(Strict):
    name: DisplayName


class ExperimentOut(BaseModel):
    experiment_id: int
    name: str


class UserIn(Strict):
    user_id: UserId
    name: DisplayName
    username: Uid = Field(description="the Firebase uid of the user's account")
    email: Email
    role: Role


class UserUpdate(Strict):
    name: DisplayName
    email: Email
    username: Uid | None = Field(default=None, description="ADMIN only")
    role: Role | None = Field(default=None, description="ADMIN only")


class UserOut(BaseModel):
    user_id: str
    name: str | None
    username: str | None
    email: str | None
    role: Role
    erased: bool = False


class ExperimentUsers(BaseModel):
    users: list[str]


class MeasureTypeOut(BaseModel):
    type_id: int
    name: str
    symbol: str
    quantity: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: bool
    broker: bool


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, object]] | None = None


class AssociationOut(BaseModel):
    experiment_id: int
    user_id: str
