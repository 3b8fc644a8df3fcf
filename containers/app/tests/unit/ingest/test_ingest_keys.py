"""The consumer's fast dedup keys are byte for byte the domain's keys, so every writer agrees on duplicates."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from mymonit.domain.dedup import dedup_key
from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.domain.timestamps import EPOCH
from mymonit.ingest.keys import KeyMaker

names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
micros = st.integers(0, 10**17)
values = st.floats(allow_nan=False, allow_infinity=False)
ids = st.none() | st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=128)
labels = st.just(DEFAULT_LABELS) | st.builds(
    Labels, st.none() | st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8),
    st.sampled_from(['{}', '{"rack":"a"}', '{"line":"2","rack":"a"}']))


@given(names, names, micros, values, ids, labels)
def test_a_fast_key_equals_the_domain_key(experiment: str, measure: str, at: int, value: float,
                                          producer_id: str | None, series: Labels) -> None:
    expected = dedup_key(experiment, measure, EPOCH + timedelta(microseconds=at), value, producer_id, series)

    assert KeyMaker().for_names(experiment, measure, series)(at, value, producer_id) == expected


def test_reusing_a_key_function_does_not_leak_one_measure_into_the_next() -> None:
    key = KeyMaker().for_names("device-vibrations", "hertz")

    first, second, first_again = key(1, 1.0, None), key(2, 1.0, None), key(1, 1.0, None)

    assert first == first_again
    assert first != second
    assert key(1, 1.0, "p-1") != key(1, 1.0, "p-2")
