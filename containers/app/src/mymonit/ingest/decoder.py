"""Decoding and validation of message bodies (docs/design.md, Message body), by hand for speed.

A body is UTF-8 JSON: one measure object or a non-empty array of them. Each measure has
`experiment` (str), `measure` (str), `value` (finite int or float, not bool), `timestamp` (Unix
seconds as int or float, or an ISO-8601 string with an offset) and optionally `id` (the producer's
idempotency key), `sensor` and `tags` (the series labels, `mymonit.domain.series`). Unknown fields
are ignored so producers can add some. One bad measure rejects the whole message, naming its index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import isfinite as _isfinite
from typing import Any, NamedTuple

import orjson

from mymonit.domain.errors import BadLabels
from mymonit.domain.series import DEFAULT_LABELS, Labels, labels
from mymonit.domain.timestamps import EPOCH, unix_micros
from mymonit.ingest.errors import PoisonMessage, Reason

MAX_EXPERIMENT_NAME = 255
_new = tuple.__new__  # builds a named tuple without the Python frame of its generated __new__
MAX_MEASURE_NAME = 64
_MAX_KNOWN_LABELS = 16_384
_known_labels: dict[bytes, Labels] = {}  # the labels' JSON as sent → checked labels: checked once


class Reading(NamedTuple):
    """One valid measure, names not yet resolved; `micros`: microseconds since 1970-01-01 UTC."""

    experiment: str
    measure: str
    micros: int
    value: float
    id: str | None
    labels: Labels = DEFAULT_LABELS

    @property
    def timestamp(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.micros)


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 1024 * 1024
    max_measures: int = 10_000
    max_future_seconds: float = 86_400.0
    max_id_length: int = 128


def decode(body: bytes, limits: Limits, now: float) -> list[Reading]:
    """The readings of `body`, given the current Unix time `now`; raises `PoisonMessage`."""
    if len(body) > limits.max_body_bytes:
        raise PoisonMessage(Reason.TOO_LARGE, f"body of {len(body)} bytes exceeds {limits.max_body_bytes}")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise _unparsable(body, error) from None
    if type(document) is dict:
        return [_reading(document, now + limits.max_future_seconds, limits.max_id_length)]
    if type(document) is not list:
        raise PoisonMessage(Reason.BAD_SHAPE, "the body must be a JSON object or an array of objects")
    if not document:
        raise PoisonMessage(Reason.BAD_SHAPE, "the array holds no measure")
    if len(document) > limits.max_measures:
        raise PoisonMessage(Reason.TOO_MANY, f"{len(document)} measures exceed {limits.max_measures}")
    latest = now + limits.max_future_seconds
    readings = []
    for index, item in enumerate(document):
        try:
            readings.append(_reading(item, latest, limits.max_id_length))
        except PoisonMessage as error:
            raise error.at(index) from None
    return readings


def _unparsable(body: bytes, error: orjson.JSONDecodeError) -> PoisonMessage:
    if "UTF-8" in error.msg:
        return PoisonMessage(Reason.NOT_UTF8, "the body is not valid UTF-8")
    if "infinity" in error.msg:
        return PoisonMessage(Reason.NOT_FINITE, "a number is too large for a double")
    try:  # the standard parser accepts NaN and Infinity, which JSON itself does not
        json.loads(body)
    except ValueError:
        return PoisonMessage(Reason.BAD_JSON, f"not JSON: {error.msg} at character {error.pos}")
    return PoisonMessage(Reason.NOT_FINITE, "NaN and Infinity are not numbers in JSON")


def _reading(item: Any, latest: float, max_id: int) -> Reading:
    # Written for speed: each check is one exact type test on the fast path; errors are built apart.
    if type(item) is not dict:
        raise PoisonMessage(Reason.BAD_SHAPE, "a measure must be a JSON object")
    try:
        experiment, measure, value, stamp = item["experiment"], item["measure"], item["value"], item["timestamp"]
    except KeyError as missing:
        raise PoisonMessage(Reason.MISSING_FIELD, f"field {missing} is required") from None
    if type(experiment) is not str or not 0 < len(experiment) <= MAX_EXPERIMENT_NAME:
        raise _bad_name("experiment", MAX_EXPERIMENT_NAME)
    if type(measure) is not str or not 0 < len(measure) <= MAX_MEASURE_NAME:
        raise _bad_name("measure", MAX_MEASURE_NAME)
    kind = type(value)
    if kind is int:
        value = float(value)
    elif kind is not float or not _isfinite(value):
        raise _bad_value(value)
    kind = type(stamp)
    if (kind is float or kind is int) and 0 <= stamp <= latest:
        micros = round(stamp * 1_000_000)  # to the nearest microsecond, ties to even
    else:
        micros = _other_timestamp(stamp, latest)
    producer_id = item.get("id")
    if producer_id is not None and (type(producer_id) is not str or not 0 < len(producer_id) <= max_id):
        raise PoisonMessage(Reason.BAD_ID, f"field 'id' must be a string of 1 to {max_id} characters")
    sensor, tags = item.get("sensor"), item.get("tags")
    series = DEFAULT_LABELS if sensor is None and tags is None else _labels(sensor, tags)
    return _new(Reading, (experiment, measure, micros, value, producer_id, series))


def _labels(sensor: object, tags: object) -> Labels:
    """The checked labels, from a cache of those already seen (a stream repeats its few series)."""
    try:
        sent = orjson.dumps((sensor, tags))
    except TypeError:  # not JSON-like: cannot be valid labels
        sent = b""
    found = _known_labels.get(sent)
    if found is None:
        try:
            found = labels(sensor, tags)
        except BadLabels as error:
            raise PoisonMessage(Reason.BAD_SENSOR if error.field == "sensor" else Reason.BAD_TAGS, str(error)) from None
        if len(_known_labels) >= _MAX_KNOWN_LABELS:
            _known_labels.clear()
        _known_labels[sent] = found
    return found


def _bad_name(field: str, longest: int) -> PoisonMessage:
    return PoisonMessage(Reason.WRONG_TYPE, f"field '{field}' must be a string of 1 to {longest} characters")


def _bad_value(value: object) -> PoisonMessage:
    if type(value) is float:
        return PoisonMessage(Reason.NOT_FINITE, "field 'value' must be finite")
    return PoisonMessage(Reason.WRONG_TYPE, f"field 'value' must be a number, not {_json_type(value)}")


def _other_timestamp(stamp: object, latest: float) -> int:
    """Microseconds of an ISO-8601 timestamp; raises for anything else (numbers out of range too)."""
    if type(stamp) is str:
        return _iso_timestamp(stamp, latest)
    if type(stamp) in {int, float}:
        raise PoisonMessage(Reason.BAD_TIMESTAMP, "the timestamp is before 1970 or too far in the future")
    raise PoisonMessage(Reason.WRONG_TYPE, f"field 'timestamp' must be a number or a string, not {_json_type(stamp)}")


def _iso_timestamp(text: str, latest: float) -> int:
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise PoisonMessage(Reason.BAD_TIMESTAMP, "an ISO-8601 timestamp needs an offset (Z or ±hh:mm)")
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise PoisonMessage(Reason.BAD_TIMESTAMP, "timestamp is neither Unix seconds nor ISO-8601") from None
    if not EPOCH <= moment <= EPOCH + timedelta(seconds=latest):
        raise PoisonMessage(Reason.BAD_TIMESTAMP, "timestamp is before 1970 or too far in the future")
    return unix_micros(moment)


def _json_type(value: object) -> str:
    names = {bool: "a boolean", str: "a string", list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)
