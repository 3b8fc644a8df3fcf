"""Reading measures through the API: pages, filters, aggregation, export, and nothing of anyone else's."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from mymonit.domain.model import Experiment
from tests.support.api_world import T0, Caller, World

CANARY = 314159.2653  # a value only the foreign experiment holds


@pytest.fixture
def experiment(world: World, scientist: Caller) -> Experiment:
    experiment = world.experiment("measures")
    world.associate(scientist, experiment)
    return experiment


@pytest.fixture
def foreign(world: World) -> Experiment:
    """An experiment the scientist is not associated with, full of measures."""
    experiment = world.experiment("foreign")
    world.measures(experiment, [CANARY] * 50)
    return experiment


def _next_link(link: str | None) -> str | None:
    if not link:
        return None
    target, _, rel = link.partition(";")
    assert rel.strip() == 'rel="next"'
    return target.strip()[1:-1]


def _all_pages(client: FlaskClient, caller: Caller, path: str) -> tuple[list[dict[str, object]], int]:
    rows: list[dict[str, object]] = []
    pages = 0
    url: str | None = path
    while url:
        response = client.get(url, headers=caller.headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        rows += response.get_json()
        pages += 1
        url = _next_link(response.headers.get("Link"))
    return rows, pages


def test_a_page_returns_the_original_fields_in_order_with_microseconds(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment,
) -> None:
    world.measures(experiment, [100.0, 95.5, 94.25], start=T0 + timedelta(microseconds=123456))

    response = client.get(f"/measures/{experiment.experiment_id}", headers=scientist.headers)

    assert response.status_code == 200
    assert response.get_json() == [
        {"experiment": experiment.name, "measure_type": "hertz", "timestamp": "2024-01-01T00:00:00.123456Z",
         "value": 100.0, "sensor": None, "tags": {}},
        {"experiment": experiment.name, "measure_type": "hertz", "timestamp": "2024-01-01T00:00:01.123456Z",
         "value": 95.5, "sensor": None, "tags": {}},
        {"experiment": experiment.name, "measure_type": "hertz", "timestamp": "2024-01-01T00:00:02.123456Z",
         "value": 94.25, "sensor": None, "tags": {}},
    ]
    assert "Link" not in response.headers


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_following_the_link_header_visits_every_measure_exactly_once_in_order(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment, order: str,
) -> None:
    # Pairs of identical timestamps check that ids break ties across page boundaries.
    world.measures(experiment, [float(i) for i in range(25)], step=timedelta(0))
    world.measures(experiment, [float(i) for i in range(100, 125)], start=T0 + timedelta(seconds=1))

    rows, pages = _all_pages(client, scientist, f"/measures/{experiment.experiment_id}?limit=7&order={order}")

    assert pages == 8
    assert len(rows) == 50
    stamps = [str(r["timestamp"]) for r in rows]
    assert stamps == sorted(stamps, reverse=order == "desc")
    assert sorted(float(str(r["value"])) for r in rows) == sorted([*range(25), *range(100, 125)])


def test_from_to_and_measure_filter_the_rows(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment,
) -> None:
    world.measures(experiment, [1.0, 2.0, 3.0, 4.0, 5.0])
    world.measures(experiment, [50.0, 60.0], measure="volt")

    hertz = client.get(f"/measures/{experiment.experiment_id}?measure=hertz&from=2024-01-01T00:00:01Z"
                       "&to=2024-01-01T00:00:04Z", headers=scientist.headers)
    volts = client.get(f"/measures/{experiment.experiment_id}?measure=volt", headers=scientist.headers)

    assert [r["value"] for r in hertz.get_json()] == [2.0, 3.0, 4.0]
    assert [(r["measure_type"], r["value"]) for r in volts.get_json()] == [("volt", 50.0), ("volt", 60.0)]


def test_aggregation_buckets_count_min_max_and_mean(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment,
) -> None:
    world.measures(experiment, [float(v) for v in range(60)])  # one per second for a minute

    response = client.get(
        f"/measures/{experiment.experiment_id}/aggregate?from=2024-01-01T00:00:00Z&to=2024-01-01T00:01:00Z&buckets=3",
        headers=scientist.headers,
    )

    body = response.get_json()
    assert response.status_code == 200
    assert body["bucket_seconds"] == 20.0
    assert [(b["start"], b["count"], b["min"], b["max"], b["mean"]) for b in body["buckets"]] == [
        ("2024-01-01T00:00:00.000000Z", 20, 0.0, 19.0, 9.5),
        ("2024-01-01T00:00:20.000000Z", 20, 20.0, 39.0, 29.5),
        ("2024-01-01T00:00:40.000000Z", 20, 40.0, 59.0, 49.5),
    ]


def test_csv_export_streams_every_row_with_a_header(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment,
) -> None:
    world.measures(experiment, [float(v) for v in range(12_000)], step=timedelta(milliseconds=1))

    response = client.get(f"/measures/{experiment.experiment_id}/export", headers=scientist.headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["experiment", "measure_type", "timestamp", "value", "sensor", "tags"]
    assert len(rows) == 12_001
    assert rows[1] == [experiment.name, "hertz", "2024-01-01T00:00:00.000000Z", "0.0", "", "{}"]
    assert rows[-1][3] == "11999.0"


def test_a_cursor_made_for_another_experiment_is_refused_even_where_the_caller_may_read_both(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment,
) -> None:
    other = world.experiment("other")
    world.associate(scientist, other)
    world.measures(experiment, [1.0, 2.0, 3.0])
    world.measures(other, [7.0, 8.0, 9.0])
    first = client.get(f"/measures/{experiment.experiment_id}?limit=1", headers=scientist.headers)
    next_url = _next_link(first.headers.get("Link"))
    assert next_url is not None
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]

    reused = client.get(f"/measures/{other.experiment_id}?cursor={cursor}", headers=scientist.headers)

    assert reused.status_code == 400
    assert "another query" in reused.get_json()["detail"]


def test_a_cursor_replayed_on_a_foreign_experiment_reveals_nothing(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment, foreign: Experiment,
) -> None:
    world.measures(experiment, [1.0, 2.0, 3.0])
    first = client.get(f"/measures/{experiment.experiment_id}?limit=1", headers=scientist.headers)
    cursor = parse_qs(urlsplit(_next_link(first.headers.get("Link")) or "").query)["cursor"][0]

    reused = client.get(f"/measures/{foreign.experiment_id}?cursor={cursor}", headers=scientist.headers)

    assert reused.status_code in (400, 403)
    assert str(CANARY) not in reused.get_data(as_text=True)
    assert foreign.name not in reused.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/measures/{F}", "/measures/{F}?limit=10000", "/measures/{F}/export", "/measures/{F}?measure=hertz",
    "/measures/{F}/aggregate?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z", "/experiments/{F}",
    "/experiments/", "/scientists-experiments/", "/users/",
])
def test_a_scientist_never_sees_another_experiments_measures_or_name(
    client: FlaskClient, scientist: Caller, foreign: Experiment, path: str,
) -> None:
    response = client.get(path.format(F=foreign.experiment_id), headers=scientist.headers)

    text = response.get_data(as_text=True)
    assert foreign.name not in text
    assert str(CANARY) not in text


def test_an_unknown_experiment_and_a_foreign_one_answer_alike(
    client: FlaskClient, scientist: Caller, foreign: Experiment,
) -> None:
    known = client.get(f"/measures/{foreign.experiment_id}", headers=scientist.headers)
    unknown = client.get("/measures/999999999", headers=scientist.headers)

    assert known.status_code == unknown.status_code == 403
    assert known.get_json()["detail"] == unknown.get_json()["detail"]


@pytest.mark.parametrize("path", [
    "/measures/{E}?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z",
    "/measures/{E}/aggregate?from=2024-01-01T00:00:10Z&to=2024-01-01T00:00:10Z",
    "/measures/{E}?from=99999999999999",
])
def test_an_empty_inverted_or_far_future_range_selects_nothing(
    client: FlaskClient, world: World, scientist: Caller, experiment: Experiment, path: str,
) -> None:
    world.measures(experiment, [1.0, 2.0, 3.0])

    response = client.get(path.format(E=experiment.experiment_id), headers=scientist.headers)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["buckets"] if isinstance(body, dict) else body) == []
