"""GET /measures/<exp>: the original's plain array, paged by an RFC 8288 Link header; aggregates; CSV."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mymonit.domain.cursors import decode_cursor
from mymonit.domain.queries import Order
from tests.unit.builders import NEWTON, a_row, bearer, with_measures
from tests.unit.fakes import InMemoryStore

READER = bearer("S001")
DEMO_VALUES = [100.0, 95.0, 94.0, 110.0, 120.0, 130.0, 110.0, 110.0, 105.0, 120.0]
NEXT = re.compile(r'^<([^>]+)>; rel="next"$')


@pytest.fixture(autouse=True)
def demo_measures(store: InMemoryStore) -> None:
    """The demo's ten hertz measures on experiment 1, one a minute from 07:00:00.000001 UTC."""
    rows = [a_row(i + 1, minutes=i + 1 / 60_000_000, value=v) for i, v in enumerate(DEMO_VALUES)]
    with_measures(store, 1, *rows, a_row(11, minutes=30, value=3.0, type_id=NEWTON.type_id))


def next_link(response: TestResponse) -> str | None:
    link = response.headers.get("Link")
    if link is None:
        return None
    match = NEXT.match(link)
    assert match, link
    return match[1]


def test_a_page_is_a_plain_array_with_the_original_field_names(client: FlaskClient) -> None:
    response = client.get("/measures/1?limit=2", headers=READER)

    assert response.status_code == 200
    assert response.get_json() == [
        {"experiment": "device-vibrations", "measure_type": "hertz", "timestamp": "2022-04-06T07:00:00.000001Z",
         "value": 100.0, "sensor": None, "tags": {}},
        {"experiment": "device-vibrations", "measure_type": "hertz", "timestamp": "2022-04-06T07:01:00.000001Z",
         "value": 95.0, "sensor": None, "tags": {}},
    ]


def test_the_link_header_points_to_the_next_page_with_the_same_query_and_a_cursor(client: FlaskClient) -> None:
    response = client.get("/measures/1?measure=hertz&limit=3&order=desc", headers=READER)

    link = next_link(response)
    assert link is not None
    url = urlsplit(link)
    params = parse_qs(url.query)
    assert url.path == "/measures/1"
    assert {k: v for k, v in params.items() if k != "cursor"} == {"measure": ["hertz"], "limit": ["3"],
                                                                  "order": ["desc"]}
    cursor = decode_cursor(params["cursor"][0], 1, Order.DESC)
    assert cursor.key == 8
    assert cursor.ts.microsecond == 1


@pytest.mark.parametrize(("order", "expected"), [("asc", DEMO_VALUES), ("desc", DEMO_VALUES[::-1])])
def test_following_the_links_reads_every_measure_once_in_order(client: FlaskClient, order: str,
                                                               expected: list[float]) -> None:
    values: list[float] = []
    url: str | None = f"/measures/1?measure=hertz&limit=3&order={order}"
    pages = 0
    while url is not None:
        response = client.get(url, headers=READER)
        assert response.status_code == 200
        values += [m["value"] for m in response.get_json()]
        url = next_link(response)
        pages += 1

    assert values == expected
    assert pages == 4


def test_the_last_page_has_no_link(client: FlaskClient) -> None:
    response = client.get("/measures/1?limit=100", headers=READER)

    assert len(response.get_json()) == 11
    assert "Link" not in response.headers


def test_a_cursor_made_for_the_other_order_is_a_400(client: FlaskClient) -> None:
    link = next_link(client.get("/measures/1?limit=1", headers=READER))
    assert link is not None
    cursor = parse_qs(urlsplit(link).query)["cursor"][0]

    response = client.get(f"/measures/1?limit=1&order=desc&cursor={cursor}", headers=READER)

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_range_whose_to_is_not_after_from_answers_no_measures_and_no_buckets(client: FlaskClient) -> None:
    query = "from=2022-04-06T07:05:00Z&to=2022-04-06T07:00:00Z"

    page = client.get(f"/measures/1?{query}", headers=READER)
    aggregate = client.get(f"/measures/1/aggregate?{query}", headers=READER)

    assert (page.status_code, page.get_json()) == (200, [])
    assert aggregate.status_code == 200
    assert (aggregate.get_json()["bucket_seconds"], aggregate.get_json()["buckets"]) == (0.0, [])


def test_an_unassociated_scientist_cannot_read_the_measures(client: FlaskClient) -> None:
    response = client.get("/measures/1", headers=bearer("S002"))

    assert response.status_code == 403
    assert "device-vibrations" not in response.get_data(as_text=True)


def test_the_aggregate_of_the_demo_hour_in_six_buckets(client: FlaskClient) -> None:
    response = client.get("/measures/1/aggregate?from=2022-04-06T07:00:00Z&to=2022-04-06T08:00:00Z&buckets=6",
                          headers=READER)

    assert response.status_code == 200
    body = response.get_json()
    assert body["bucket_seconds"] == 600.0
    assert [(b["measure_type"], b["start"], b["count"]) for b in body["buckets"]] == [
        ("hertz", "2022-04-06T07:00:00.000000Z", 10), ("newton", "2022-04-06T07:30:00.000000Z", 1)]


def test_the_csv_export_streams_a_header_and_every_row(client: FlaskClient) -> None:
    response = client.get("/measures/1/export?measure=hertz", headers=READER)

    lines = response.get_data(as_text=True).splitlines()
    assert response.mimetype == "text/csv"
    assert response.headers["X-Accel-Buffering"] == "no"  # nginx streams it instead of spooling it to disk
    assert lines[0] == "experiment,measure_type,timestamp,value,sensor,tags"
    assert lines[1] == "device-vibrations,hertz,2022-04-06T07:00:00.000001Z,100.0,,{}"
    assert len(lines) == 11
