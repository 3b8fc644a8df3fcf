"""MeasureReader (services/ports.py): the fake and MySqlMeasureReader keep the same contract.

Rows come in (timestamp, dedup key) order, ascending or descending; a page ends with a cursor on its
last row when more rows follow (keyset pagination, domain/queries.py); aggregates come by measure
type (then series), then time; a stream is the same rows in chunks. Rows are stored by the sink,
as the consumer stores them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from mymonit.domain.model import Bucket, Experiment
from mymonit.domain.queries import DEFAULT_PAGE, AggregateQuery, Cursor, MeasureQuery, MeasureRow, Order, TimeRange
from mymonit.domain.timestamps import iso_utc, parse_iso_utc
from mymonit.storage.measure_sql import MOST_MERGED
from tests.integration.contracts.contract_world import Storage, a_measure
from tests.unit.builders import T0

US = timedelta(microseconds=1)
MINUTE = timedelta(minutes=1)
NEWTON = 11
EVER = TimeRange()


@pytest.fixture
def vibrations(storage: Storage) -> Experiment:
    return storage.experiments.add("device-vibrations")


@pytest.fixture
def five(storage: Storage, vibrations: Experiment) -> list[MeasureRow]:
    """Five rows in (ts, key) order: ties at T0 broken by keys beyond 2**63, compared as unsigned."""
    made = [(T0 - timedelta(seconds=1), 7, 1.0), (T0, 5, 2.0), (T0, 2**63, 3.0), (T0, 2**64 - 1, 4.0),
            (T0 + US, 0, 5.0)]
    storage.store(*(a_measure(vibrations, moment, value, key) for moment, key, value in reversed(made)))
    return [MeasureRow(key, 10, iso_utc(moment), value, 1) for moment, key, value in made]


def query(experiment: Experiment, *, within: TimeRange = EVER, type_id: int | None = None,
          limit: int = DEFAULT_PAGE, order: Order = Order.ASC, after: Cursor | None = None,
          series_ids: tuple[int, ...] | None = None) -> MeasureQuery:
    return MeasureQuery(experiment.experiment_id, within, type_id, limit, order, after, series_ids)


def cursor_of(row: MeasureRow) -> Cursor:
    return Cursor(parse_iso_utc(row.timestamp), row.key)


def test_a_page_holds_the_rows_in_time_then_key_order_with_their_text_timestamps(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow],
) -> None:
    page = storage.reader.page(query(vibrations))

    assert page.rows == five
    assert page.rows[1].timestamp == "2022-04-06T07:00:00.000000Z"
    assert page.next_cursor is None


def test_a_descending_page_holds_them_in_reverse(storage: Storage, vibrations: Experiment,
                                                five: list[MeasureRow]) -> None:
    assert storage.reader.page(query(vibrations, order=Order.DESC)).rows == five[::-1]


@pytest.mark.parametrize("order", list(Order))
def test_keyset_pages_walk_every_row_once_and_only_a_page_with_more_behind_it_has_a_cursor(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow], order: Order,
) -> None:
    expected = five if order is Order.ASC else five[::-1]
    pages, after = [], None
    while True:
        page = storage.reader.page(query(vibrations, limit=2, order=order, after=after))
        pages.append(page.rows)
        if page.next_cursor is None:
            break
        assert page.next_cursor == cursor_of(page.rows[-1])
        after = page.next_cursor

    assert pages == [expected[0:2], expected[2:4], expected[4:]]
    assert storage.reader.page(query(vibrations, limit=5, order=order)).next_cursor is None
    assert storage.reader.page(query(vibrations, limit=4, order=order)).next_cursor == cursor_of(expected[3])


def test_rows_stored_behind_the_cursor_do_not_shift_the_next_page(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow],
) -> None:
    first = storage.reader.page(query(vibrations, limit=2))
    storage.store(a_measure(vibrations, T0 - MINUTE, key=1), a_measure(vibrations, T0, key=6))

    second = storage.reader.page(query(vibrations, limit=2, after=first.next_cursor))

    assert first.rows == five[:2]
    assert [r.key for r in second.rows] == [6, 2**63]


def test_a_page_keeps_to_its_experiment_measure_type_series_and_half_open_range(
    storage: Storage, vibrations: Experiment,
) -> None:
    other = storage.experiments.add("black-holes")
    storage.store(
        a_measure(vibrations, T0 - US, key=1),  # before the range
        a_measure(vibrations, T0, key=2),  # its start: in
        a_measure(vibrations, T0 + MINUTE - US, key=3),
        a_measure(vibrations, T0 + MINUTE, key=4),  # its end: out
        a_measure(vibrations, T0, key=5, type_id=NEWTON, series_id=2),
        a_measure(vibrations, T0, key=6, series_id=3),
        a_measure(other, T0, key=7, series_id=9),
    )
    hertz = query(vibrations, within=TimeRange(T0, T0 + MINUTE), type_id=10)

    assert [r.key for r in storage.reader.page(hertz).rows] == [2, 6, 3]
    assert [r.key for r in storage.reader.page(replace(hertz, series_ids=(1,))).rows] == [2, 3]
    assert [r.key for r in storage.reader.page(replace(hertz, series_ids=(1, 3))).rows] == [2, 6, 3]
    assert [(r.key, r.series_id) for r in storage.reader.page(query(vibrations, type_id=NEWTON)).rows] == [(5, 2)]
    assert [r.key for r in storage.reader.page(query(vibrations, within=TimeRange(start=T0 + MINUTE))).rows] == [4]
    assert [r.key for r in storage.reader.page(query(vibrations, within=TimeRange(end=T0))).rows] == [1]


@pytest.mark.parametrize("series", [3, MOST_MERGED + 1], ids=["its series merged", "more series than merged"])
@pytest.mark.parametrize("order", list(Order))
def test_a_measure_types_pages_walk_the_rows_of_all_its_series_and_of_none_yet_in_time_then_key_order(
    storage: Storage, vibrations: Experiment, series: int, order: Order,
) -> None:
    made = [a_measure(vibrations, T0 + (i % 4) * US, float(i), key=i, series_id=1 + i % series)
            for i in range(2 * series)]
    made.append(a_measure(vibrations, T0 + US, key=1_000, series_id=0))  # stored before series, not yet moved
    made.append(a_measure(vibrations, T0 + US, key=1_001, type_id=NEWTON, series_id=0))  # another type's
    made.append(a_measure(vibrations, T0, key=1_002, type_id=NEWTON, series_id=series + 1))
    storage.store(*made)
    hertz = sorted((m.micros, m.dedup_key) for m in made if m.type_id == 10)
    expected = [key for _, key in (hertz if order is Order.ASC else hertz[::-1])]

    keys, after = [], None
    while True:
        page = storage.reader.page(query(vibrations, type_id=10, limit=2, order=order, after=after))
        keys += [r.key for r in page.rows]
        if (after := page.next_cursor) is None:
            break

    assert keys == expected


def test_a_measure_types_buckets_count_the_rows_of_all_its_series_and_of_none_yet(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.store(a_measure(vibrations, T0, 1.0, key=1, series_id=1),
                  a_measure(vibrations, T0, 3.0, key=2, series_id=2),
                  a_measure(vibrations, T0, 5.0, key=3, series_id=0),
                  a_measure(vibrations, T0, 7.0, key=4, type_id=NEWTON, series_id=0))
    hertz = AggregateQuery(vibrations.experiment_id, T0, T0 + MINUTE, MINUTE, type_id=10)

    assert storage.reader.aggregate(hertz, {10: "hertz"}).buckets == [Bucket("hertz", T0, 3, 1.0, 5.0, 3.0)]


def test_a_series_choice_that_matched_no_series_reads_nothing(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow],
) -> None:
    assert len(five) == len(storage.reader.page(query(vibrations)).rows)

    page = storage.reader.page(query(vibrations, series_ids=()))

    assert (page.rows, page.next_cursor) == ([], None)


def test_an_experiment_without_measures_has_an_empty_page(storage: Storage, vibrations: Experiment) -> None:
    page = storage.reader.page(query(vibrations))

    assert (page.rows, page.next_cursor) == ([], None)


def test_buckets_give_count_min_max_and_mean_by_measure_type_then_time(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.store(
        a_measure(vibrations, T0 - US, 100.0, key=1),  # before the range
        a_measure(vibrations, T0, 1.0, key=2),
        a_measure(vibrations, T0 + timedelta(seconds=30), 2.0, key=3),
        a_measure(vibrations, T0 + timedelta(seconds=90), 4.0, key=4),
        a_measure(vibrations, T0 + timedelta(seconds=10), 8.0, key=5, type_id=NEWTON),
        a_measure(vibrations, T0 + 3 * MINUTE, 100.0, key=6),  # the range's end
    )
    names = {10: "hertz", NEWTON: "newton"}

    three_minutes = AggregateQuery(vibrations.experiment_id, T0, T0 + 3 * MINUTE, MINUTE)

    buckets = storage.reader.aggregate(three_minutes, names).buckets

    assert buckets == [
        Bucket("hertz", T0, 2, 1.0, 2.0, 1.5),
        Bucket("hertz", T0 + MINUTE, 1, 4.0, 4.0, 4.0),
        Bucket("newton", T0, 1, 8.0, 8.0, 8.0),
    ]


def test_buckets_by_series_tell_the_series_of_a_type_apart_and_a_type_filter_keeps_one_type(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.store(
        a_measure(vibrations, T0, 1.0, key=1, series_id=4),
        a_measure(vibrations, T0 + MINUTE, 3.0, key=2, series_id=4),
        a_measure(vibrations, T0, 2.0, key=3, series_id=2),
        a_measure(vibrations, T0, 9.0, key=4, type_id=NEWTON, series_id=1),
    )
    hertz = AggregateQuery(vibrations.experiment_id, T0, T0 + 2 * MINUTE, MINUTE, type_id=10, by_series=True)

    assert storage.reader.aggregate(hertz, {10: "hertz"}).buckets == [
        Bucket("hertz", T0, 1, 2.0, 2.0, 2.0, series_id=2),
        Bucket("hertz", T0, 1, 1.0, 1.0, 1.0, series_id=4),
        Bucket("hertz", T0 + MINUTE, 1, 3.0, 3.0, 3.0, series_id=4),
    ]
    assert storage.reader.aggregate(replace(hertz, series_ids=(2,)), {10: "hertz"}).buckets == [
        Bucket("hertz", T0, 1, 2.0, 2.0, 2.0, series_id=2),
    ]
    assert storage.reader.aggregate(replace(hertz, type_id=None, by_series=False), {}).buckets == [
        Bucket("10", T0, 2, 1.0, 2.0, 1.5),  # a type without a name goes by its id
        Bucket("10", T0 + MINUTE, 1, 3.0, 3.0, 3.0),
        Bucket("11", T0, 1, 9.0, 9.0, 9.0),
    ]


def test_buckets_of_an_experiment_without_measures_are_none(storage: Storage, vibrations: Experiment) -> None:
    assert storage.reader.aggregate(AggregateQuery(vibrations.experiment_id, T0, T0 + MINUTE, MINUTE), {}).buckets == []


@pytest.mark.parametrize("order", list(Order))
def test_a_stream_yields_every_row_of_the_query_in_chunks_in_its_order(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow], order: Order,
) -> None:
    expected = five if order is Order.ASC else five[::-1]

    chunks = list(storage.reader.stream(query(vibrations, order=order, limit=1), chunk=2))

    assert chunks == [expected[0:2], expected[2:4], expected[4:]]
    assert list(storage.reader.stream(query(vibrations, order=order), chunk=5)) == [expected]


def test_a_stream_starts_after_its_cursor_and_keeps_to_its_range(
    storage: Storage, vibrations: Experiment, five: list[MeasureRow],
) -> None:
    after = query(vibrations, after=cursor_of(five[1]), within=TimeRange(end=T0 + US))

    assert list(storage.reader.stream(after, chunk=10)) == [five[2:4]]


def test_a_stream_of_nothing_yields_no_chunk(storage: Storage, vibrations: Experiment) -> None:
    assert list(storage.reader.stream(query(vibrations), chunk=2)) == []
