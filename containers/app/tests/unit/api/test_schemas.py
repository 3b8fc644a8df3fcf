"""Request models: moments in time, users and experiments as clients send them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from mymonit.api.schemas import ExperimentIn, Moment, UserIn, UserUpdate
from mymonit.domain.model import Role

MOMENT = TypeAdapter(Moment)
T0 = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("1649228400", T0, id="unix seconds"),
        pytest.param("1649228400.25", T0.replace(microsecond=250_000), id="unix seconds with a fraction"),
        pytest.param("1649228400.123456", T0.replace(microsecond=123_456), id="unix seconds to the microsecond"),
        pytest.param(" 1649228400.5 ", T0.replace(microsecond=500_000), id="unix seconds padded with blanks"),
        pytest.param("0", EARLIEST, id="the epoch"),
        pytest.param("2022-04-06T07:00:00Z", T0, id="iso with Z"),
        pytest.param("2022-04-06T07:00:00.123456Z", T0.replace(microsecond=123_456), id="iso with microseconds"),
        pytest.param("2022-04-06T09:00:00+02:00", T0, id="iso with a positive offset"),
        pytest.param("2022-04-06T02:30:00-04:30", T0, id="iso with a negative offset"),
        pytest.param("2022-04-06T07:00:00", T0, id="naive iso is taken as UTC"),
        pytest.param("2022-04-06", T0.replace(hour=0), id="a date is its midnight UTC"),
        pytest.param("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
                     id="a leap second is the last microsecond before it"),
        pytest.param(T0, T0, id="an aware datetime"),
        pytest.param(T0.astimezone(timezone(timedelta(hours=-7))), T0, id="a datetime in another zone"),
        pytest.param(datetime(2022, 4, 6, 7, 0), T0, id="a naive datetime is taken as UTC"),
        pytest.param("9999-12-30T23:59:59Z", datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC), id="the last day"),
    ],
)
def test_a_moment_is_read_as_an_aware_utc_datetime(given: object, expected: datetime) -> None:
    moment = MOMENT.validate_python(given)

    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("-1", EARLIEST, id="negative unix seconds"),
        pytest.param("1969-12-31T23:59:59Z", EARLIEST, id="before 1970 in iso"),
        pytest.param("1970-01-01T00:30:00+01:00", EARLIEST, id="before 1970 once the offset is applied"),
        pytest.param("0001-01-01T00:00:00Z", EARLIEST, id="year 1"),
        pytest.param("0001-01-01T00:00:00+05:00", EARLIEST, id="an offset that pushes year 1 over the edge"),
        pytest.param("9999-12-31T12:00:00Z", LATEST, id="past the end of the range"),
        pytest.param("9999-12-31T23:00:00-05:00", LATEST, id="an offset that pushes year 9999 over the edge"),
        pytest.param("999999999999999", LATEST, id="unix seconds far beyond 9999"),
    ],
)
def test_a_moment_outside_1970_to_9999_is_clamped_to_the_nearest_bound(given: str, expected: datetime) -> None:
    assert MOMENT.validate_python(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("10000-01-01T00:00:00Z", id="year 10000"),
        pytest.param("1e9", id="an exponent"),
        pytest.param("1649228400.1234567890", id="more than nine decimals"),
        pytest.param("nan", id="nan"),
        pytest.param("inf", id="infinity"),
        pytest.param("-inf", id="minus infinity"),
        pytest.param("0x10", id="hexadecimal"),
        pytest.param("yesterday", id="words"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blanks"),
        pytest.param("2022-13-01T00:00:00Z", id="month 13"),
        pytest.param("2022-04-06 07:00:00 UTC", id="a zone name"),
        pytest.param(True, id="a boolean"),
        pytest.param(None, id="null"),
        pytest.param([1649228400], id="a list"),
    ],
)
def test_an_unreadable_moment_is_refused(given: object) -> None:
    with pytest.raises(ValidationError, match="expected ISO-8601"):
        MOMENT.validate_python(given)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("2022-04-06T07:60:00Z", id="minute 60"),
        pytest.param("2022-04-06T24:00:60Z", id="hour 24 with a leap second"),
        pytest.param("2022-04-06T07:00:00.60:60Z", id="sixty after the fraction"),
    ],
)
def test_sixty_is_only_read_as_a_leap_second_in_the_seconds_field(given: str) -> None:
    with pytest.raises(ValidationError):
        MOMENT.validate_python(given)


def test_an_offset_with_sixty_minutes_is_refused() -> None:
    with pytest.raises(ValidationError):
        MOMENT.validate_python("2022-04-06T07:00:00+05:60")


def a_user_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"user_id": "S100", "name": "Ada Lovelace", "username": "uid-s100",
                            "email": "ada@home.cern", "role": "SCIENTIST"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def failing_fields(model: type[BaseModel], body: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return {".".join(str(part) for part in error["loc"]) for error in raised.value.errors()}


def test_a_valid_user_is_accepted_with_its_name_stripped() -> None:
    user = UserIn.model_validate(a_user_body(name="  Ada Lovelace  ", role="ADMIN"))

    assert (user.user_id, user.name, user.username, user.email, user.role) == (
        "S100", "Ada Lovelace", "uid-s100", "ada@home.cern", Role.ADMIN)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user_id", ""), ("user_id", "-S100"), ("user_id", "S 100"), ("user_id", "S" * 31), ("user_id", 100),
        ("name", ""), ("name", "   "), ("name", "Ada\x00Lovelace"), ("name", "Ada\nLovelace"),
        ("name", "Ada\tLovelace"), ("name", "Ada\u202eLovelace"), ("name", "\x1b[31mAda"),
        ("name", "\u200b\u00a0\u3000"), ("name", "A" * 256),
        ("username", ""), ("username", "uid with space"), ("username", "u" * 129), ("username", "uid/../x"),
        ("email", "not-an-email"), ("email", "ada@home"), ("email", "ada@home.c"), ("email", "ada@@home.cern"),
        ("email", "ada lovelace@home.cern"), ("email", ""), ("email", "a" * 300 + "@home.cern"),
        ("role", "admin"), ("role", "ROOT"), ("role", ""), ("role", None),
        ("user_id", ...), ("name", ...), ("username", ...), ("email", ...), ("role", ...),
    ],
)
def test_an_invalid_or_missing_user_field_is_reported_by_name(field: str, value: object) -> None:
    assert failing_fields(UserIn, a_user_body(**{field: value})) == {field}


@pytest.mark.parametrize("email", ["ada\x01@home.cern", "\x1b[31m@home.cern", "ada\x7f@home.cern",
                                   "ada\u200b@home.cern", "ada\u202e@home.cern", "ada\u00a0@home.cern"])
def test_an_email_with_control_or_blank_characters_is_refused(email: str) -> None:
    assert failing_fields(UserIn, a_user_body(email=email)) == {"email"}


def test_names_of_exactly_255_characters_are_accepted() -> None:
    assert len(UserIn.model_validate(a_user_body(name="A" * 255)).name) == 255
    assert len(ExperimentIn.model_validate({"name": "e" * 255}).name) == 255


@pytest.mark.parametrize("model", [UserIn, UserUpdate, ExperimentIn])
def test_fields_a_model_does_not_declare_are_refused(model: type[BaseModel]) -> None:
    body = {**a_user_body(), "name": "Ada Lovelace", "is_superuser": True}
    if model is ExperimentIn:
        body = {"name": "black-holes", "is_superuser": True}
    if model is UserUpdate:
        body = {"name": "Ada Lovelace", "email": "ada@home.cern", "is_superuser": True}

    assert failing_fields(model, body) == {"is_superuser"}


def test_an_update_may_leave_out_username_and_role() -> None:
    update = UserUpdate.model_validate({"name": "Ada", "email": "ada@home.cern"})

    assert (update.username, update.role) == (None, None)


def test_an_update_cannot_change_the_user_id() -> None:
    assert failing_fields(UserUpdate, {"name": "Ada", "email": "ada@home.cern", "user_id": "S999"}) == {"user_id"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Ada\x00"), ("name", ""), ("email", "nope"), ("username", "has space"), ("role", "GOD"),
     ("name", ...), ("email", ...)],
)
def test_an_invalid_or_missing_update_field_is_reported_by_name(field: str, value: object) -> None:
    body = {"name": "Ada", "email": "ada@home.cern", "username": "uid-1", "role": "SCIENTIST", field: value}

    assert failing_fields(UserUpdate, {k: v for k, v in body.items() if v is not ...}) == {field}


@pytest.mark.parametrize(
    "name",
    ["", "   ", "e" * 256, "black\x00holes", "black\nholes", "black\rholes", "black\x85holes", "black\u2066holes",
     "\u2028", 42, None],
)
def test_an_experiment_name_that_is_empty_overlong_or_has_control_characters_is_refused(name: object) -> None:
    assert failing_fields(ExperimentIn, {"name": name}) == {"name"}


def test_an_experiment_name_is_stripped_and_may_use_any_printable_unicode() -> None:
    assert ExperimentIn.model_validate({"name": "  Ångström – λ 🔭  "}).name == "Ångström – λ 🔭"
