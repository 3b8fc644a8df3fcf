"""MeasureSink (ingest/ports.py): the fake and MySqlMeasureWriter keep the same contract.

A write is one transaction that returns how many rows were new. The measures' primary key is the
dedup key: (experiment, timestamp, dedup key); a row matching a stored one is skipped, not updated,
so the same rows written twice count once. A row the table refuses refuses its whole batch.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mymonit.domain.model import Experiment
from mymonit.domain.queries import MeasureRow
from mymonit.domain.timestamps import iso_utc, unix_micros
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.ports import NewMeasure
from tests.integration.contracts.contract_world import Storage, a_measure
from tests.unit.builders import T0

US = timedelta(microseconds=1)
LAST_MOMENT = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)  # DATETIME(6)'s last


@pytest.fixture
def vibrations(storage: Storage) -> Experiment:
    return storage.experiments.add("device-vibrations")


def test_rows_written_are_counted_and_read_back_to_the_microsecond_and_the_bit(
    storage: Storage, vibrations: Experiment,
) -> None:
    moment = datetime(2022, 4, 6, 7, 0, 0, 123_457, tzinfo=UTC)
    values = [0.1 + 0.2, 1e-300, -1.5e300, 101.5]
    measures = [a_measure(vibrations, moment + i * US, value, key=i, type_id=10 + i, series_id=i)
                for i, value in enumerate(values)]

    assert storage.store(*measures) == 4

    assert storage.rows(vibrations) == [MeasureRow(i, 10 + i, iso_utc(moment + i * US), value, i)
                                        for i, value in enumerate(values)]


def test_the_same_rows_written_twice_count_once(storage: Storage, vibrations: Experiment) -> None:
    rows = storage.sink.prepare([a_measure(vibrations, T0, 1.0, key=1), a_measure(vibrations, T0, 2.0, key=2)])

    assert storage.sink.write(rows) == 2
    assert storage.sink.write(rows) == 0
    assert storage.store(*rows.measures) == 0

    assert [r.key for r in storage.rows(vibrations)] == [1, 2]


def test_a_row_matching_a_stored_ones_experiment_time_and_key_is_skipped_whatever_else_it_holds(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.store(a_measure(vibrations, T0, 1.0, key=9))

    assert storage.store(a_measure(vibrations, T0, 2.0, key=9, type_id=11, series_id=5)) == 0

    assert storage.rows(vibrations) == [MeasureRow(9, 10, iso_utc(T0), 1.0, 1)]


def test_the_same_key_at_another_time_or_in_another_experiment_is_another_row(
    storage: Storage, vibrations: Experiment,
) -> None:
    holes = storage.experiments.add("black-holes")
    storage.store(a_measure(vibrations, T0, key=9))

    assert storage.store(a_measure(vibrations, T0 + US, key=9), a_measure(holes, T0, key=9)) == 2

    assert len(storage.rows(vibrations)) == 2
    assert len(storage.rows(holes)) == 1


def test_duplicates_within_one_batch_count_once_and_the_first_is_kept(
    storage: Storage, vibrations: Experiment,
) -> None:
    assert storage.store(a_measure(vibrations, T0, 1.0, key=3), a_measure(vibrations, T0, 2.0, key=3)) == 1

    assert [r.value for r in storage.rows(vibrations)] == [1.0]


def test_an_empty_batch_writes_nothing(storage: Storage, vibrations: Experiment) -> None:
    assert storage.store() == 0
    assert storage.rows(vibrations) == []


def test_preparing_rows_stores_nothing(storage: Storage, vibrations: Experiment) -> None:
    measures = [a_measure(vibrations, T0)]

    prepared = storage.sink.prepare(measures)

    assert list(prepared.measures) == measures
    assert storage.rows(vibrations) == []


def _bad_rows(experiment_id: int) -> dict[str, NewMeasure]:
    good = NewMeasure.at(experiment_id, 10, T0, 1.0, 1, 1)
    return {
        "unknown experiment": good._replace(experiment_id=experiment_id + 1),
        "key of 65 bits": good._replace(dedup_key=2**64),
        "negative key": good._replace(dedup_key=-1),
        "type beyond SMALLINT": good._replace(type_id=2**16),
        "series beyond INT": good._replace(series_id=2**32),
        "NaN": good._replace(value=float("nan")),
        "infinity": good._replace(value=float("-inf")),
        "year 10000": good._replace(micros=unix_micros(LAST_MOMENT) + 1),
    }


@pytest.mark.parametrize("bad", list(_bad_rows(0)))
def test_a_batch_with_a_row_the_table_refuses_is_refused_whole(
    storage: Storage, vibrations: Experiment, bad: str,
) -> None:
    refused = _bad_rows(vibrations.experiment_id)[bad]

    with pytest.raises(BatchRefused):
        storage.store(a_measure(vibrations, T0 - US, key=2), refused)

    assert storage.rows(vibrations) == []


def test_the_edges_of_the_columns_ranges_are_stored(storage: Storage, vibrations: Experiment) -> None:
    edges = [a_measure(vibrations, datetime(1, 1, 1, tzinfo=UTC), key=0, type_id=0, series_id=0),
             a_measure(vibrations, datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), key=1),
             a_measure(vibrations, LAST_MOMENT, key=2**64 - 1, type_id=2**16 - 1, series_id=2**32 - 1)]

    assert storage.store(*edges) == 3

    assert storage.rows(vibrations) == [
        MeasureRow(0, 0, "0001-01-01T00:00:00.000000Z", 1.0, 0),
        MeasureRow(1, 10, "1969-12-31T23:59:59.000000Z", 1.0, 1),
        MeasureRow(2**64 - 1, 2**16 - 1, "9999-12-31T23:59:59.999999Z", 1.0, 2**32 - 1),
    ]
