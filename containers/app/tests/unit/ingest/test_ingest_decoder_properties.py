"""Properties of the decoder over generated input: valid measures survive the round trip, nothing else crashes."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mymonit.domain.timestamps import EPOCH
from mymonit.ingest.decoder import MAX_EXPERIMENT_NAME, MAX_MEASURE_NAME, Limits, decode
from mymonit.ingest.errors import PoisonMessage

NOW = 1_700_000_000.0
LIMITS = Limits(max_body_bytes=1024 * 1024, max_measures=50, max_future_seconds=86_400.0, max_id_length=128)
LATEST = NOW + LIMITS.max_future_seconds

names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1)
values = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**63), 2**63 - 1)
stamps = st.floats(min_value=0, max_value=LATEST) | st.integers(0, int(LATEST))
measures = st.fixed_dictionaries(
    {"experiment": names.filter(lambda n: len(n) <= MAX_EXPERIMENT_NAME),
     "measure": names.filter(lambda n: len(n) <= MAX_MEASURE_NAME),
     "value": values, "timestamp": stamps},
    optional={"id": st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=128)},
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=25,
)


@given(st.lists(measures, min_size=1, max_size=50))
def test_every_valid_array_decodes_to_the_same_measures_in_order(document: list[dict[str, object]]) -> None:
    readings = decode(orjson.dumps(document), LIMITS, NOW)

    assert [(r.experiment, r.measure, r.value, r.id) for r in readings] == [
        (m["experiment"], m["measure"], float(m["value"]), m.get("id")) for m in document  # type: ignore[arg-type]
    ]
    for reading, measure in zip(readings, document, strict=True):
        assert abs(reading.micros - float(measure["timestamp"]) * 1e6) <= 0.5 + abs(reading.micros) * 2**-52  # type: ignore[arg-type]


@given(measures)
def test_a_valid_measure_keeps_its_instant_to_the_microsecond_through_iso_text(measure: dict[str, object]) -> None:
    micros = decode(orjson.dumps(measure), LIMITS, NOW)[0].micros
    iso_text = (EPOCH + timedelta(microseconds=micros)).isoformat()
    iso = decode(orjson.dumps({**measure, "timestamp": iso_text}), LIMITS, NOW)[0].micros

    assert iso == micros


@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_are_poison_never_a_crash(raw: bytes) -> None:
    with contextlib.suppress(PoisonMessage):
        decode(raw, LIMITS, NOW)


@given(json_values)
def test_arbitrary_json_decodes_or_is_poison_never_a_crash(document: object) -> None:
    try:
        readings = decode(orjson.dumps(document), LIMITS, NOW)
    except PoisonMessage:
        return
    assert readings


@given(st.lists(measures, min_size=1, max_size=20), st.data())
def test_one_broken_measure_anywhere_rejects_the_whole_array_naming_it(document: list[dict[str, object]],
                                                                       data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(document) - 1))
    field = data.draw(st.sampled_from(["experiment", "measure", "value", "timestamp"]))
    broken = [dict(m) for m in document]
    broken[index][field] = data.draw(st.sampled_from([None, [], {}, True]))

    with pytest.raises(PoisonMessage) as caught:
        decode(orjson.dumps(broken), LIMITS, NOW)

    assert caught.value.detail.startswith(f"measure {index}:")
