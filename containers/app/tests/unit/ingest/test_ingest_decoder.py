"""Decoding message bodies: the contract's valid shapes are read exactly, everything else is poison with a reason."""

from __future__ import annotations

import math

import orjson
import pytest

from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.ingest.decoder import Limits, Reading, decode
from mymonit.ingest.errors import PoisonMessage, Reason

NOW = 1_700_000_000.0
LIMITS = Limits(max_body_bytes=4_096, max_measures=10, max_future_seconds=86_400.0, max_id_length=16)
GOOD = {"experiment": "device-vibrations", "measure": "hertz", "value": 101.5, "timestamp": 1649228400.25}


def body(document: object) -> bytes:
    return orjson.dumps(document)


def reason_of(raw: bytes) -> Reason:
    with pytest.raises(PoisonMessage) as caught:
        decode(raw, LIMITS, NOW)
    return caught.value.reason


def test_reads_one_measure_with_its_microseconds() -> None:
    assert decode(body(GOOD), LIMITS, NOW) == [
        Reading("device-vibrations", "hertz", 1_649_228_400_250_000, 101.5, None),
    ]


def test_reads_an_array_in_order_with_ids_and_integer_values() -> None:
    measures = [{**GOOD, "value": 1, "id": "a"}, {**GOOD, "value": 2.5, "id": "b"}]

    readings = decode(body(measures), LIMITS, NOW)

    assert [(r.value, r.id) for r in readings] == [(1.0, "a"), (2.5, "b")]
    assert all(isinstance(r.value, float) for r in readings)


@pytest.mark.parametrize(("stamp", "micros"), [
    ("2022-04-06T07:00:00.25Z", 1_649_228_400_250_000),
    ("2022-04-06T09:00:00.25+02:00", 1_649_228_400_250_000),
    ("2022-04-06T07:00:00.000001+00:00", 1_649_228_400_000_001),
    (1649228400, 1_649_228_400_000_000),
    (0, 0),
])
def test_reads_unix_seconds_and_iso_timestamps_with_any_offset(stamp: object, micros: int) -> None:
    assert decode(body({**GOOD, "timestamp": stamp}), LIMITS, NOW)[0].micros == micros


def test_ignores_fields_it_does_not_know() -> None:
    assert decode(body({**GOOD, "unit": "Hz"}), LIMITS, NOW)[0].value == 101.5


BAD = {
    "not JSON": (b"{experiment:", Reason.BAD_JSON),
    "not UTF-8": (b'{"experiment": "\xff\xfe"}', Reason.NOT_UTF8),
    "NaN literal": (b'{"experiment": "e", "measure": "hertz", "value": NaN, "timestamp": 1}', Reason.NOT_FINITE),
    "Infinity literal": (b'[{"value": -Infinity}]', Reason.NOT_FINITE),
    "number beyond a double": (body(GOOD).replace(b"101.5", b"1e400"), Reason.NOT_FINITE),
    "a JSON string": (body("hertz"), Reason.BAD_SHAPE),
    "an empty array": (body([]), Reason.BAD_SHAPE),
    "an array of numbers": (body([1, 2]), Reason.BAD_SHAPE),
    "too many measures": (body([GOOD] * 11), Reason.TOO_MANY),
    "too large a body": (body({**GOOD, "pad": "x" * 5_000}), Reason.TOO_LARGE),
    "no experiment": (body({k: v for k, v in GOOD.items() if k != "experiment"}), Reason.MISSING_FIELD),
    "no value": (body({k: v for k, v in GOOD.items() if k != "value"}), Reason.MISSING_FIELD),
    "no timestamp": (body({k: v for k, v in GOOD.items() if k != "timestamp"}), Reason.MISSING_FIELD),
    "experiment is a number": (body({**GOOD, "experiment": 7}), Reason.WRONG_TYPE),
    "experiment is empty": (body({**GOOD, "experiment": ""}), Reason.WRONG_TYPE),
    "measure is null": (body({**GOOD, "measure": None}), Reason.WRONG_TYPE),
    "value is a string": (body({**GOOD, "value": "101.5"}), Reason.WRONG_TYPE),
    "value is a boolean": (body({**GOOD, "value": True}), Reason.WRONG_TYPE),
    "value is null": (body({**GOOD, "value": None}), Reason.WRONG_TYPE),
    "timestamp is a boolean": (body({**GOOD, "timestamp": False}), Reason.WRONG_TYPE),
    "timestamp before 1970": (body({**GOOD, "timestamp": -1}), Reason.BAD_TIMESTAMP),
    "timestamp in milliseconds": (body({**GOOD, "timestamp": NOW * 1000}), Reason.BAD_TIMESTAMP),
    "timestamp two days ahead": (body({**GOOD, "timestamp": NOW + 2 * 86_400}), Reason.BAD_TIMESTAMP),
    "ISO timestamp without offset": (body({**GOOD, "timestamp": "2022-04-06T07:00:00"}), Reason.BAD_TIMESTAMP),
    "ISO timestamp of year 1": (body({**GOOD, "timestamp": "0001-01-01T00:00:00+01:00"}), Reason.BAD_TIMESTAMP),
    "timestamp is prose": (body({**GOOD, "timestamp": "yesterday"}), Reason.BAD_TIMESTAMP),
    "id is a number": (body({**GOOD, "id": 5}), Reason.BAD_ID),
    "id is too long": (body({**GOOD, "id": "x" * 17}), Reason.BAD_ID),
}


@pytest.mark.parametrize(("raw", "reason"), BAD.values(), ids=BAD.keys())
def test_dead_letters_what_breaks_the_contract_with_the_right_reason(raw: bytes, reason: Reason) -> None:
    assert reason_of(raw) is reason


def test_one_bad_measure_rejects_the_whole_array_and_names_its_index() -> None:
    measures = [GOOD, GOOD, {**GOOD, "value": "oops"}, GOOD]

    with pytest.raises(PoisonMessage) as caught:
        decode(body(measures), LIMITS, NOW)

    assert caught.value.reason is Reason.WRONG_TYPE
    assert caught.value.detail.startswith("measure 2:")


@pytest.mark.parametrize("field", ["value", "timestamp", "id", "experiment"])
def test_the_reason_never_quotes_the_payload(field: str) -> None:
    secret = "s3cr3t-" + "x" * 300 if field == "experiment" else "s3cr3t-never-logged"
    with pytest.raises(PoisonMessage) as caught:
        decode(body({**GOOD, field: secret if field != "timestamp" else 9.9e12}), LIMITS, NOW)

    assert "s3cr3t" not in str(caught.value)
    assert "9900000000000" not in str(caught.value)


def test_a_finite_maximum_double_is_accepted() -> None:
    assert decode(body({**GOOD, "value": 1.7976931348623157e308}), LIMITS, NOW)[0].value == 1.7976931348623157e308
    assert not math.isinf(decode(body({**GOOD, "value": -5e-324}), LIMITS, NOW)[0].value)


def test_reads_a_sensor_and_tags_into_the_series_labels_with_the_tags_in_canonical_order() -> None:
    [reading] = decode(body({**GOOD, "sensor": "north-1", "tags": {"rack": "a", "line": "2"}}), LIMITS, NOW)

    assert reading.labels == Labels("north-1", '{"line":"2","rack":"a"}')


def test_a_measure_without_sensor_and_tags_is_of_the_default_series() -> None:
    [reading] = decode(body(GOOD), LIMITS, NOW)

    assert reading.labels == DEFAULT_LABELS


@pytest.mark.parametrize(("labels", "reason"), [
    ({"sensor": ""}, Reason.BAD_SENSOR),
    ({"sensor": 7}, Reason.BAD_SENSOR),
    ({"sensor": "a\u0000b"}, Reason.BAD_SENSOR),
    ({"tags": {"Rack": "a"}}, Reason.BAD_TAGS),
    ({"tags": {f"k{n}": "v" for n in range(9)}}, Reason.BAD_TAGS),
    ({"tags": ["a"]}, Reason.BAD_TAGS),
    ({"tags": {"rack": None}}, Reason.BAD_TAGS),
])
def test_bad_series_labels_are_dead_lettered_with_their_reason(labels: dict[str, object], reason: Reason) -> None:
    assert reason_of(body({**GOOD, **labels})) is reason
    assert reason_of(body([GOOD, {**GOOD, **labels}])) is reason  # also after a good one, and every time
    assert reason_of(body({**GOOD, **labels})) is reason
