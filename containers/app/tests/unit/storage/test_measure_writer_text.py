"""The VALUES text of a batch: exact timestamps from Unix microseconds, and nothing but typed values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mymonit.ingest.ports import NewMeasure
from mymonit.storage.measure_writer import MySqlMeasureWriter


def text(*measures: NewMeasure) -> str:
    return MySqlMeasureWriter(database=None).prepare(list(measures)).form  # type: ignore[arg-type]  # no I/O here


def test_each_measure_is_a_tuple_of_its_ids_its_utc_time_its_value_its_key_and_its_series() -> None:
    moment = datetime(2022, 4, 6, 7, 0, 0, 250_000, tzinfo=UTC)

    assert text(NewMeasure.at(1, 10, moment, 101.5, 2**64 - 1, 7), NewMeasure.at(2, 3, moment, -0.0, 0, 8)) == (
        "(1,10,'2022-04-06 07:00:00.250000',101.5,18446744073709551615,7),"
        "(2,3,'2022-04-06 07:00:00.250000',-0.0,0,8)"
    )


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999_999)))
def test_the_timestamp_is_the_moments_own_to_the_microsecond(moment: datetime) -> None:
    [row] = text(NewMeasure.at(1, 1, moment, 1.0, 1, 1))[1:-1].split(",")[2:3]

    assert row == f"'{moment.isoformat(' ', timespec='microseconds')}'"


def test_measures_in_the_same_second_and_across_seconds_keep_their_own_times() -> None:
    rows = [NewMeasure(1, 1, micros, 0.5, 1, 1) for micros in (999_999, 1_000_000, 1_000_001, 999_999)]

    assert [part.split(",")[2] for part in text(*rows)[1:-1].split("),(")] == [
        "'1970-01-01 00:00:00.999999'", "'1970-01-01 00:00:01.000000'",
        "'1970-01-01 00:00:01.000001'", "'1970-01-01 00:00:00.999999'",
    ]


@pytest.mark.parametrize("bad", [NewMeasure(1, 1, 0, "1);DROP TABLE measures;--", 1, 1),  # type: ignore[arg-type]
                                 NewMeasure("1", 1, 0, 1.0, 1, 1),
                                 NewMeasure(1, 1, 0, 1.0, 1, "1);--")])  # type: ignore[arg-type]
def test_a_value_of_the_wrong_type_cannot_reach_the_sql(bad: NewMeasure) -> None:
    with pytest.raises((ValueError, TypeError)):
        text(bad)
