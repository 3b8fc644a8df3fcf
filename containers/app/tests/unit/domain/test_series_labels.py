"""Series labels: the rules a sensor and tags must follow, their canonical form, and the keys they make."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mymonit.domain.dedup import dedup_key
from mymonit.domain.errors import BadLabels
from mymonit.domain.series import (
    DEFAULT_LABELS,
    MAX_TAGS,
    NO_TAGS,
    Labels,
    canonical_tags,
    identity_hash,
    labels,
)

T0 = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)


def test_a_measure_without_sensor_and_tags_belongs_to_the_default_series() -> None:
    assert labels(None, None) == DEFAULT_LABELS
    assert labels(None, {}) == DEFAULT_LABELS
    assert DEFAULT_LABELS.is_default
    assert DEFAULT_LABELS.dedup_suffix() == b""


def test_the_same_tags_in_any_order_are_the_same_canonical_text() -> None:
    assert canonical_tags({"rack": "a", "line": "2"}) == canonical_tags({"line": "2", "rack": "a"})
    assert canonical_tags({"rack": "a", "line": "2"}) == '{"line":"2","rack":"a"}'
    assert canonical_tags({"site": "Genève"}) == '{"site":"Genève"}'


@pytest.mark.parametrize(("sensor", "tags", "field"), [
    ("", None, "sensor"),
    ("x" * 129, None, "sensor"),
    ("bad\nsensor", None, "sensor"),
    (42, None, "sensor"),
    (None, ["rack"], "tags"),
    (None, {"Rack": "a"}, "tags"),
    (None, {"1rack": "a"}, "tags"),
    (None, {"r" * 33: "a"}, "tags"),
    (None, {"rack": ""}, "tags"),
    (None, {"rack": 1}, "tags"),
    (None, {"rack": "a\tb"}, "tags"),
    (None, {"rack": "v" * 129}, "tags"),
    (None, {f"k{n}": "v" for n in range(MAX_TAGS + 1)}, "tags"),
])
def test_a_bad_sensor_or_bad_tags_are_refused_naming_the_field(sensor: object, tags: object, field: str) -> None:
    with pytest.raises(BadLabels) as refused:
        labels(sensor, tags)

    assert refused.value.field == field


def test_the_longest_allowed_labels_pass() -> None:
    longest = labels("s" * 128, {f"k{n}": "v" * 128 for n in range(MAX_TAGS)})

    assert longest.sensor == "s" * 128
    assert not longest.is_default


def test_two_sensors_reporting_the_same_value_in_the_same_microsecond_get_two_keys() -> None:
    one, two = Labels("north"), Labels("south")
    keys = {dedup_key("device-vibrations", "hertz", T0, 100.0, labels=series) for series in (one, two, DEFAULT_LABELS)}

    assert len(keys) == 3
    assert dedup_key("device-vibrations", "hertz", T0, 100.0, labels=one) == dedup_key(
        "device-vibrations", "hertz", T0, 100.0, labels=Labels("north"))


def test_a_producer_id_is_scoped_by_the_series_it_was_sent_for() -> None:
    plain = dedup_key("device-vibrations", "hertz", T0, 1.0, "p-1")

    assert dedup_key("device-vibrations", "hertz", T0, 1.0, "p-1", Labels(None, '{"rack":"a"}')) != plain
    assert dedup_key("device-vibrations", "hertz", T0, 1.0, "p-1", DEFAULT_LABELS) == plain


def test_a_sensor_named_like_a_tag_text_is_another_series() -> None:
    assert Labels("a", NO_TAGS).dedup_suffix() != Labels(None, '{"a":"x"}').dedup_suffix()
    assert identity_hash(1, 2, Labels("a")) != identity_hash(1, 2, Labels(None, '{"a":"x"}'))


def test_the_identity_hash_is_16_bytes_and_depends_on_experiment_type_and_labels() -> None:
    hashes = {identity_hash(e, t, series) for e in (1, 2) for t in (1, 2) for series in (DEFAULT_LABELS, Labels("s"))}

    assert len(hashes) == 8
    assert all(len(h) == 16 for h in hashes)
