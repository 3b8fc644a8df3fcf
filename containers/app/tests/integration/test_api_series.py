"""Series through the API (docs/design.md, Series): listed, chosen by sensor and tags, labelled in every answer."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from mymonit.domain.model import Experiment
from mymonit.domain.series import labels
from tests.support.api_world import T0, Caller, World

NORTH = labels("north", {"site": "a", "rack": "1"})
SOUTH = labels("south", {"site": "b", "rack": "1"})


@pytest.fixture
def experiment(world: World, scientist: Caller) -> Experiment:
    """Three series of hertz: the default one, `north` and `south`; one value each second."""
    experiment = world.experiment("series")
    world.associate(scientist, experiment)
    world.measures(experiment, [1.0, 2.0])
    world.measures(experiment, [10.0, 20.0, 30.0], labels=NORTH)
    world.measures(experiment, [100.0], labels=SOUTH, start=T0 + timedelta(seconds=5))
    return experiment


def _get(client: FlaskClient, caller: Caller, path: str) -> object:
    response = client.get(path, headers=caller.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_series_of_an_experiment_are_listed_with_labels_and_time_span(
    client: FlaskClient, scientist: Caller, experiment: Experiment,
) -> None:
    found = _get(client, scientist, f"/series/{experiment.experiment_id}")

    assert isinstance(found, list)
    assert [(s["measure_type"], s["sensor"], s["tags"], s["first"], s["last"]) for s in found] == [
        ("hertz", None, {}, "2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:01.000000Z"),
        ("hertz", "north", {"rack": "1", "site": "a"}, "2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:02.000000Z"),
        ("hertz", "south", {"rack": "1", "site": "b"}, "2024-01-01T00:00:05.000000Z", "2024-01-01T00:00:05.000000Z"),
    ]
    assert _get(client, scientist, f"/series/{experiment.experiment_id}?tag.site=b&tag.rack=1") == [found[2]]
    assert _get(client, scientist, f"/series/{experiment.experiment_id}?measure=kelvin") == []


def test_a_sensor_or_tags_choose_the_measures_read_and_every_row_carries_its_labels(
    client: FlaskClient, scientist: Caller, experiment: Experiment,
) -> None:
    base = f"/measures/{experiment.experiment_id}"

    every = _get(client, scientist, base)
    north = _get(client, scientist, f"{base}?sensor=north")
    rack = _get(client, scientist, f"{base}?tag.rack=1&tag.site=b")
    nowhere = _get(client, scientist, f"{base}?tag.site=c")

    assert isinstance(every, list)
    assert len(every) == 6
    assert {(row["sensor"], str(row["tags"])) for row in every} == {
        (None, "{}"), ("north", "{'rack': '1', 'site': 'a'}"), ("south", "{'rack': '1', 'site': 'b'}")}
    assert [row["value"] for row in north] == [10.0, 20.0, 30.0]  # type: ignore[union-attr]
    assert [(row["sensor"], row["value"]) for row in rack] == [("south", 100.0)]  # type: ignore[union-attr]
    assert nowhere == []


def test_aggregate_groups_by_series_when_asked(client: FlaskClient, scientist: Caller, experiment: Experiment) -> None:
    path = (f"/measures/{experiment.experiment_id}/aggregate?from=2024-01-01T00:00:00Z&to=2024-01-01T00:00:10Z"
            "&buckets=1")

    merged = _get(client, scientist, path)
    grouped = _get(client, scientist, path + "&group_by=series")
    chosen = _get(client, scientist, path + "&group_by=series&sensor=north")

    assert [(b["count"], b["max"]) for b in merged["buckets"]] == [(6, 100.0)]  # type: ignore[index]
    assert "series_id" not in merged["buckets"][0]  # type: ignore[index]
    assert sorted((b["sensor"] or "", b["count"], b["mean"]) for b in grouped["buckets"]) == [  # type: ignore[index]
        ("", 2, 1.5), ("north", 3, 20.0), ("south", 1, 100.0)]
    assert [(b["sensor"], b["tags"], b["count"]) for b in chosen["buckets"]] == [  # type: ignore[index]
        ("north", {"rack": "1", "site": "a"}, 3)]


def test_the_csv_export_has_sensor_and_tags_columns(
    client: FlaskClient, scientist: Caller, experiment: Experiment,
) -> None:
    response = client.get(f"/measures/{experiment.experiment_id}/export?tag.site=a", headers=scientist.headers)

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.status_code == 200
    assert [(r["sensor"], r["tags"], r["value"]) for r in rows] == [
        ("north", '{"rack":"1","site":"a"}', v) for v in ("10.0", "20.0", "30.0")]


@pytest.mark.parametrize("query", [
    "tag.Site=a",  # a tag key is lower case
    "tag.=a",
    "tag.site=",
    "tag.site=a&tag.site=b",  # one value per key
    "tags=a",
    "sensor=",
    "group_by=sensor",
])
def test_a_selector_that_cannot_match_is_a_400_that_says_why(
    client: FlaskClient, scientist: Caller, experiment: Experiment, query: str,
) -> None:
    response = client.get(f"/measures/{experiment.experiment_id}/aggregate?from=0&to=10&{query}",
                          headers=scientist.headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_only_associated_scientists_list_series(
    client: FlaskClient, world: World, experiment: Experiment, admin: Caller,
) -> None:
    stranger = world.caller()

    assert client.get(f"/series/{experiment.experiment_id}", headers=stranger.headers).status_code == 403
    assert client.get(f"/series/{experiment.experiment_id}", headers=admin.headers).status_code == 403
    assert client.get(f"/series/{experiment.experiment_id}").status_code == 401


def test_a_selector_never_reaches_another_experiments_series(
    client: FlaskClient, world: World, scientist: Caller,
) -> None:
    own = world.experiment("own")
    world.associate(scientist, own)
    world.measures(own, [1.0])
    foreign = world.experiment("foreign")
    world.measures(foreign, [314159.2653], labels=NORTH)

    found = [_get(client, scientist, f"/series/{own.experiment_id}?sensor=north"),
             _get(client, scientist, f"/measures/{own.experiment_id}?sensor=north"),
             _get(client, scientist, f"/measures/{own.experiment_id}/aggregate?from=0&to=2000000000&sensor=north"
                                     "&group_by=series")]

    assert found == [[], [], {"experiment": own.name, "start": "1970-01-01T00:00:00.000000Z",
                              "end": "2033-05-18T03:33:20.000000Z", "bucket_seconds": found[2]["bucket_seconds"],
                              "resolution": found[2]["resolution"], "raw_since": found[2]["raw_since"],
                              "buckets": []}]
