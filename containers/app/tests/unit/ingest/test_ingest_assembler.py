"""From a body to rows: names resolved, naive UTC timestamps, domain dedup keys; all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from mymonit.domain.dedup import dedup_key
from mymonit.ingest.assembler import MeasureAssembler
from mymonit.ingest.decoder import Limits
from mymonit.ingest.errors import PoisonMessage, Reason
from mymonit.ingest.names import NameResolver, Names
from mymonit.ingest.ports import NewMeasure
from mymonit.ingest.series_ids import SeriesIds
from tests.unit.fakes import FakeSeriesStore

T0 = datetime(2022, 4, 6, 7, 0, 0, 250_000, tzinfo=UTC)


class StaticNames:
    def load(self) -> Names:
        return Names({"device-vibrations": 1, "black-holes": 2}, {"hertz": 10, "newton": 11})


@pytest.fixture
def series() -> FakeSeriesStore:
    return FakeSeriesStore()


@pytest.fixture
def assembler(series: FakeSeriesStore) -> MeasureAssembler:
    return MeasureAssembler(NameResolver(StaticNames(), lambda: 0.0), SeriesIds(series, limit=3), Limits(),
                            wall_clock=lambda: 1.7e9)


def measure(**changes: object) -> dict[str, object]:
    return {"experiment": "device-vibrations", "measure": "hertz", "value": 101.5, "timestamp": T0.timestamp(),
            **changes}


def test_a_measure_becomes_a_row_with_ids_unix_microseconds_and_the_domain_key(assembler: MeasureAssembler) -> None:
    [row] = assembler.rows(orjson.dumps(measure()))

    assert row == NewMeasure(1, 10, 1_649_228_400_250_000, 101.5, dedup_key("device-vibrations", "hertz", T0, 101.5),
                             series_id=1)
    assert row == NewMeasure.at(1, 10, T0, 101.5, row.dedup_key, 1)


def test_a_producer_id_decides_the_key(assembler: MeasureAssembler) -> None:
    [row] = assembler.rows(orjson.dumps(measure(id="run-1-7")))

    assert row.dedup_key == dedup_key("device-vibrations", "hertz", T0, 101.5, "run-1-7")


def test_an_array_mixing_experiments_and_types_resolves_each(assembler: MeasureAssembler) -> None:
    rows = assembler.rows(orjson.dumps([measure(), measure(experiment="black-holes", measure="newton")]))

    assert [(r.experiment_id, r.type_id) for r in rows] == [(1, 10), (2, 11)]


def test_an_array_with_one_unknown_experiment_yields_no_rows_at_all(assembler: MeasureAssembler) -> None:
    with pytest.raises(PoisonMessage) as caught:
        assembler.rows(orjson.dumps([measure(), measure(experiment="nowhere")]))

    assert caught.value.reason is Reason.UNKNOWN_EXPERIMENT


class ChangingNames:
    """The database's names, which tests change between loads."""

    def __init__(self) -> None:
        self.experiments = {"device-vibrations": 1, "black-holes": 2}

    def load(self) -> Names:
        return Names(dict(self.experiments), {"hertz": 10})


def test_names_are_resolved_once_for_a_stream_of_messages_until_the_names_are_reloaded() -> None:
    source = ChangingNames()
    resolver = NameResolver(source, lambda: 100.0)
    assembler = MeasureAssembler(resolver, SeriesIds(FakeSeriesStore(), limit=10), Limits(), wall_clock=lambda: 1.7e9)
    assert [r.experiment_id for r in assembler.rows(orjson.dumps(measure()))] == [1]

    # The experiment is deleted; a message for an unknown one makes the resolver reload.
    del source.experiments["device-vibrations"]
    with pytest.raises(PoisonMessage):
        assembler.rows(orjson.dumps(measure(experiment="gravitational-waves")))

    with pytest.raises(PoisonMessage) as caught:
        assembler.rows(orjson.dumps(measure()))
    assert caught.value.reason is Reason.UNKNOWN_EXPERIMENT
    assert [r.experiment_id for r in assembler.rows(orjson.dumps(measure(experiment="black-holes")))] == [2]


def test_each_sensor_and_tag_set_is_a_series_of_its_own_and_the_default_series_stays_apart(
    assembler: MeasureAssembler, series: FakeSeriesStore,
) -> None:
    rows = assembler.rows(orjson.dumps([measure(sensor="north"), measure(sensor="south"), measure(sensor="north")]))

    assert [r.series_id for r in rows] == [1, 2, 1]
    assert len({r.dedup_key for r in rows}) == 2  # the same reading twice from "north" is one row
    assert series.calls == 1  # the new series of one message: one round trip
    [default] = assembler.rows(orjson.dumps(measure()))
    assert default.series_id == 3
    assert default.dedup_key == dedup_key("device-vibrations", "hertz", T0, 101.5)


def test_a_known_series_costs_no_round_trip(assembler: MeasureAssembler, series: FakeSeriesStore) -> None:
    for _ in range(3):
        assembler.rows(orjson.dumps(measure(sensor="north", tags={"rack": "a", "line": "2"})))
    assembler.rows(orjson.dumps(measure(sensor="north", tags={"line": "2", "rack": "a"})))  # same tags, other order

    assert series.calls == 1
    assert len(series.series) == 1


def test_a_message_that_would_pass_the_series_limit_is_poison_and_creates_none_of_its_series(
    assembler: MeasureAssembler, series: FakeSeriesStore,
) -> None:
    assembler.rows(orjson.dumps([measure(sensor="s1"), measure(sensor="s2")]))

    with pytest.raises(PoisonMessage) as caught:
        assembler.rows(orjson.dumps([measure(sensor="s1"), measure(sensor="s3"), measure(sensor="s4")]))

    assert caught.value.reason is Reason.SERIES_LIMIT
    assert len(series.of_experiment(1)) == 2
    assert [r.series_id for r in assembler.rows(orjson.dumps(measure(sensor="s3")))] == [3]  # the last one left


def test_the_limit_is_per_experiment(assembler: MeasureAssembler, series: FakeSeriesStore) -> None:
    assembler.rows(orjson.dumps([measure(sensor=f"s{n}") for n in range(3)]))

    rows = assembler.rows(orjson.dumps([measure(experiment="black-holes", sensor=f"s{n}") for n in range(3)]))

    assert len({r.series_id for r in rows}) == 3
    assert len(series.of_experiment(2)) == 3
