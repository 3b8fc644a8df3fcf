"""The dedup key: the same measure always maps to the same 64 bits, different measures never do."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mymonit.domain.dedup import dedup_key

T0 = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
BASE = {"experiment": "device-vibrations", "measure": "hertz", "timestamp": T0, "value": 100.0}


def key(**changes: object) -> int:
    return dedup_key(**{**BASE, **changes})  # type: ignore[arg-type]


def test_the_key_is_an_unsigned_64_bit_integer_and_the_same_for_the_same_measure() -> None:
    assert 0 <= key() < 2**64
    assert key() == key()
    assert 0 <= key(producer_id="p-1") < 2**64


def test_the_key_is_the_first_half_of_the_128_bit_digest_the_keys_before_migration_0003_were() -> None:
    digest = hashlib.blake2b(digest_size=16, person=b"mymonit-measure")
    digest.update(b"device-vibrations\x00hertz\x00" + struct.pack(">qd", 1_649_228_400_000_000, 100.0))

    assert key() == int.from_bytes(digest.digest()[:8])


def test_the_same_instant_written_in_another_zone_has_the_same_key() -> None:
    assert key(timestamp=T0.astimezone(timezone(timedelta(hours=2)))) == key()


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"value": 100.000_000_000_001}, id="the value's last bit"),
        pytest.param({"value": -100.0}, id="the value's sign"),
        pytest.param({"timestamp": T0 + MICROSECOND}, id="one microsecond later"),
        pytest.param({"timestamp": T0 - MICROSECOND}, id="one microsecond earlier"),
        pytest.param({"experiment": "black-holes"}, id="the experiment"),
        pytest.param({"measure": "newton"}, id="the measure type"),
        pytest.param({"experiment": "device-vibrationsh", "measure": "ertz"}, id="names shifted across the border"),
    ],
)
def test_any_difference_in_the_measure_gives_another_key(changes: dict[str, object]) -> None:
    assert key(**changes) != key()


def test_a_producer_id_dominates_the_measures_identity() -> None:
    first = key(producer_id="reading-42")
    redelivered_differently = key(producer_id="reading-42", measure="newton", timestamp=T0 + timedelta(hours=1),
                                  value=-1.0)

    assert redelivered_differently == first
    assert key(producer_id="reading-43") != first
    assert key(producer_id="reading-42", experiment="black-holes") != first
    assert first != key()


def test_a_keys_with_and_without_producer_ids_are_deterministic_across_calls() -> None:
    assert [key(producer_id=p) for p in ("a", "b")] == [key(producer_id=p) for p in ("a", "b")]


def test_measures_a_microsecond_apart_in_year_2500_have_different_keys() -> None:
    start = datetime(2500, 1, 1, tzinfo=UTC)
    keys = {key(timestamp=start + i * MICROSECOND) for i in range(100)}

    assert len(keys) == 100


def test_the_keys_of_measures_without_series_labels_are_pinned_across_upgrades() -> None:
    # The keys these measures got before series existed: a message redelivered across that upgrade
    # must find its row (docs/design.md, Ids and the dedup key).
    assert key() == 6_156_203_745_413_779_565
    assert key(producer_id="p-1") == 16_009_996_871_282_091_320
