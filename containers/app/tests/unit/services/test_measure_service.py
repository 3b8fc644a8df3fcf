"""MeasureService and MeasureTypeService: what a reader asks the storage for, and bucket widths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from mymonit.domain.cursors import encode_cursor
from mymonit.domain.errors import AdminsCannotReadMeasures, InvalidRequest, NotAssociated
from mymonit.domain.model import Bucket, User
from mymonit.domain.queries import AggregateQuery, Cursor, MeasureQuery, Order, TimeRange
from mymonit.services.measures import MeasureFilter
from tests.unit.builders import HERTZ, NEWTON, T0, a_row, an_experiment, with_measures
from tests.unit.fakes import InMemoryStore, Ports, Services, caller_of

Read = Callable[[Services, User, int], object]

DEMO_VALUES = (100, 95, 94, 110, 120, 130, 110, 110, 105, 120)


@pytest.fixture
def demo_store(store: InMemoryStore) -> InMemoryStore:
    """The demo's ten hertz measures on experiment 1, one a minute from 07:00; a newton on each experiment."""
    rows = [a_row(i + 1, minutes=i, value=v) for i, v in enumerate(DEMO_VALUES)]
    with_measures(store, 1, *rows, a_row(11, minutes=3.5, value=7.0, type_id=NEWTON.type_id))
    return with_measures(store, 2, a_row(12, minutes=1, value=-1.0))


def test_measure_types_are_listed_and_named_by_id(services: Services) -> None:
    assert services.measure_types.all() == [HERTZ, NEWTON]
    assert services.measure_types.names() == {10: "hertz", 11: "newton"}


@pytest.mark.parametrize(("name", "type_id"), [("hertz", 10), ("newton", 11), (None, None)])
def test_a_measure_type_name_resolves_to_its_id_and_none_means_every_type(
    services: Services, name: str | None, type_id: int | None,
) -> None:
    assert services.measure_types.type_id(name) == type_id


@pytest.mark.parametrize("name", ["kilohertz", "Hertz", "", "hertz "])
def test_an_unknown_measure_type_name_is_an_invalid_request(services: Services, name: str) -> None:
    with pytest.raises(InvalidRequest, match="GET /measure-types/"):
        services.measure_types.type_id(name)


@pytest.mark.usefixtures("demo_store")
def test_an_associated_scientist_reads_a_page_of_their_experiments_measures(
    services: Services, ports: Ports, associated_scientist: User,
) -> None:
    wanted = MeasureFilter(start=T0 + timedelta(minutes=2), end=T0 + timedelta(minutes=5), measure="hertz",
                           limit=2, order=Order.DESC)

    experiment, page = services.measures.page(associated_scientist, 1, wanted)

    assert experiment == an_experiment(1, "device-vibrations")
    assert [(row.key, row.value) for row in page.rows] == [(5, 120.0), (4, 110.0)]
    assert ports.reader.queries == [MeasureQuery(1, TimeRange(wanted.start, wanted.end), 10, 2, Order.DESC, None)]


@pytest.mark.usefixtures("demo_store")
def test_an_export_streams_every_matching_measure(services: Services, associated_scientist: User) -> None:
    experiment, chunks = services.measures.export(associated_scientist, 1, MeasureFilter(measure="newton"))

    assert experiment.name == "device-vibrations"
    assert [[row.key for row in chunk] for chunk in chunks] == [[11]]


@pytest.mark.parametrize(
    ("caller", "refusal"),
    [("A001", AdminsCannotReadMeasures), ("S002", NotAssociated), ("S003", NotAssociated)],
)
@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda s, actor, exp: s.measures.page(actor, exp, MeasureFilter()), id="page"),
        pytest.param(lambda s, actor, exp: s.measures.export(actor, exp, MeasureFilter()), id="export"),
        pytest.param(lambda s, actor, exp: s.measures.aggregate(actor, exp, T0, T0 + timedelta(hours=1)),
                     id="aggregate"),
    ],
)
@pytest.mark.parametrize("experiment_id", [pytest.param(1, id="existing"), pytest.param(99, id="unknown")])
def test_only_an_associated_scientist_reaches_the_storage(
    services: Services, ports: Ports, store: InMemoryStore, caller: str, refusal: type[Exception],
    read: Read, experiment_id: int,
) -> None:
    with pytest.raises(refusal):
        read(services, caller_of(store, caller), experiment_id)

    assert ports.reader.queries == []


def test_a_cursor_is_only_read_once_access_is_granted(services: Services, admin: User,
                                                     associated_scientist: User) -> None:
    with pytest.raises(AdminsCannotReadMeasures):
        services.measures.page(admin, 1, MeasureFilter(cursor="garbage"))
    with pytest.raises(InvalidRequest, match="malformed"):
        services.measures.page(associated_scientist, 1, MeasureFilter(cursor="garbage"))


@pytest.mark.usefixtures("demo_store")
def test_the_next_page_starts_after_the_cursor_of_the_previous_one(services: Services,
                                                                   associated_scientist: User) -> None:
    _, first = services.measures.page(associated_scientist, 1, MeasureFilter(measure="hertz", limit=4))
    assert first.next_cursor is not None
    cursor = encode_cursor(first.next_cursor, 1, Order.ASC)

    _, second = services.measures.page(associated_scientist, 1, MeasureFilter(measure="hertz", limit=4,
                                                                              cursor=cursor))

    assert [row.key for row in first.rows + second.rows] == list(range(1, 9))


@pytest.mark.parametrize("order", [Order.DESC, Order.ASC])
def test_a_cursor_made_for_another_order_or_experiment_is_an_invalid_request(
    services: Services, store: InMemoryStore, order: Order,
) -> None:
    cursor = encode_cursor(Cursor(T0, 1), 2 if order is Order.ASC else 1, Order.ASC)

    with pytest.raises(InvalidRequest, match="another query"):
        services.measures.page(caller_of(store, "S001"), 1, MeasureFilter(order=order, cursor=cursor))


@pytest.mark.usefixtures("demo_store")
@pytest.mark.parametrize("end", [pytest.param(T0 + timedelta(minutes=5), id="to equals from"),
                                 pytest.param(T0, id="to before from")])
def test_a_range_whose_to_is_not_after_from_holds_no_measures_and_no_buckets(
    services: Services, ports: Ports, associated_scientist: User, end: datetime,
) -> None:
    start = T0 + timedelta(minutes=5)

    _, page = services.measures.page(associated_scientist, 1, MeasureFilter(start=start, end=end))
    _, width, aggregate = services.measures.aggregate(associated_scientist, 1, start, end)

    assert (page.rows, page.next_cursor) == ([], None)
    assert (width, aggregate.buckets) == (timedelta(0), [])
    assert [q for q in ports.reader.queries if isinstance(q, AggregateQuery)] == []


def test_a_page_for_an_unknown_measure_type_is_an_invalid_request(services: Services,
                                                                  associated_scientist: User) -> None:
    with pytest.raises(InvalidRequest, match="unknown measure type 'furlong'"):
        services.measures.page(associated_scientist, 1, MeasureFilter(measure="furlong"))


@pytest.mark.parametrize(
    ("span", "buckets", "width"),
    [
        pytest.param(timedelta(hours=1), 6, timedelta(minutes=10), id="1 h in 6 = 10 min"),
        pytest.param(timedelta(hours=1), 1_000, timedelta(seconds=3.6), id="1 h in 1000 = 3.6 s"),
        pytest.param(timedelta(days=1), 1, timedelta(days=1), id="one bucket spans the range"),
        pytest.param(timedelta(seconds=10), 3, timedelta(microseconds=3_333_334), id="10 s in 3 rounds up"),
        pytest.param(timedelta(days=7), 1_000, timedelta(seconds=604.8), id="a week in 1000"),
        pytest.param(timedelta(microseconds=3), 2, timedelta(microseconds=2), id="3 us in 2 rounds up"),
        pytest.param(timedelta(microseconds=1), 1_000, timedelta(microseconds=1), id="never below 1 us"),
    ],
)
def test_aggregate_buckets_split_the_range_evenly_rounding_the_width_up(
    services: Services, ports: Ports, associated_scientist: User, span: timedelta, buckets: int, width: timedelta,
) -> None:
    _, got, _ = services.measures.aggregate(associated_scientist, 1, T0, T0 + span, buckets)

    assert got == width
    assert got * buckets >= span
    assert ports.reader.queries == [AggregateQuery(1, T0, T0 + span, width, None)]


@pytest.mark.usefixtures("demo_store")
def test_aggregating_the_demo_hour_in_six_buckets_puts_the_ten_hertz_measures_in_the_first(
    services: Services, ports: Ports, associated_scientist: User,
) -> None:
    experiment, width, aggregate = services.measures.aggregate(
        associated_scientist, 1, T0, T0 + timedelta(hours=1), 6, measure="hertz")

    assert (experiment.name, width) == ("device-vibrations", timedelta(minutes=10))
    assert aggregate.buckets == [Bucket("hertz", T0, 10, 94.0, 130.0, 109.4)]
    assert ports.reader.queries == [AggregateQuery(1, T0, T0 + timedelta(hours=1), width, HERTZ.type_id)]
