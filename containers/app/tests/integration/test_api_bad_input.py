"""Bad input of every kind gets a 4xx problem+json, never a 500."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from mymonit.domain.model import Experiment
from tests.support.api_world import Caller, World


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    status: int
    json: object = None
    data: bytes | None = None
    content_type: str | None = None


ADMIN_CASES = [
    Bad("name of wrong type", "POST", "/experiments/", 422, json={"name": 42}),
    Bad("missing name", "POST", "/experiments/", 422, json={}),
    Bad("unknown field", "POST", "/experiments/", 422, json={"name": "x", "colour": "red"}),
    Bad("overlong name", "POST", "/experiments/", 422, json={"name": "x" * 256}),
    Bad("control characters", "POST", "/experiments/", 422, json={"name": "bad\u0000name"}),
    Bad("blank name", "POST", "/experiments/", 422, json={"name": "   "}),
    Bad("array instead of object", "POST", "/experiments/", 422, json=["name"]),
    Bad("non-JSON body", "POST", "/experiments/", 400, data=b"{name: oops", content_type="application/json"),
    Bad("form body", "POST", "/experiments/", 415, data=b"name=x", content_type="application/x-www-form-urlencoded"),
    Bad("huge body", "POST", "/experiments/", 413, data=b'{"name": "' + b"x" * 200_000 + b'"}',
        content_type="application/json"),
    Bad("not UTF-8", "POST", "/experiments/", 400, data=b'{"name": "\xff\xfe"}', content_type="application/json"),
    Bad("unknown experiment", "PUT", "/experiments/999999999", 404, json={"name": "ghost"}),
    Bad("experiment id not a number", "PUT", "/experiments/abc", 404, json={"name": "ghost"}),
    Bad("bad role", "POST", "/users/", 422, json={"user_id": "Z1", "name": "n", "username": "u", "email": "a@b.cd",
                                                  "role": "GOD"}),
    Bad("bad email", "POST", "/users/", 422, json={"user_id": "Z1", "name": "n", "username": "u", "email": "nope",
                                                   "role": "SCIENTIST"}),
    Bad("overlong user id", "POST", "/users/", 422, json={"user_id": "Z" * 31, "name": "n", "username": "u",
                                                          "email": "a@b.cd", "role": "SCIENTIST"}),
    Bad("unknown user", "PUT", "/users/NOBODY", 404, json={"name": "n", "email": "a@b.cd"}),
    Bad("erase unknown user", "DELETE", "/users/NOBODY", 404),
    Bad("grant to unknown user", "POST", "/scientists-experiments/{E}/NOBODY", 404),
    Bad("grant on unknown experiment", "POST", "/scientists-experiments/999999999/NOBODY", 404),
    Bad("revoke what was never granted", "DELETE", "/scientists-experiments/{E}/NOBODY", 404),
    Bad("method not allowed", "PATCH", "/experiments/", 405, json={"name": "x"}),
    Bad("unknown route", "GET", "/nowhere", 404),
]

SCIENTIST_CASES = [
    Bad("limit zero", "GET", "/measures/{E}?limit=0", 400),
    Bad("limit too large", "GET", "/measures/{E}?limit=10001", 400),
    Bad("limit not a number", "GET", "/measures/{E}?limit=many", 400),
    Bad("bad from", "GET", "/measures/{E}?from=yesterday", 400),
    Bad("from not a number", "GET", "/measures/{E}?from=NaN", 400),
    Bad("unknown measure", "GET", "/measures/{E}?measure=furlongs", 400),
    Bad("bad order", "GET", "/measures/{E}?order=sideways", 400),
    Bad("unknown parameter", "GET", "/measures/{E}?colour=red", 400),
    Bad("repeated parameter", "GET", "/measures/{E}?limit=1&limit=2", 400),
    Bad("garbage cursor", "GET", "/measures/{E}?cursor=%%%%", 400),
    Bad("well-formed but fake cursor", "GET", "/measures/{E}?cursor=WzEsMSwiYXNjIiwxLDFd", 400),
    Bad("overlong cursor", "GET", "/measures/{E}?cursor=" + "A" * 500, 400),
    Bad("aggregate without range", "GET", "/measures/{E}/aggregate", 400),
    Bad("too many buckets", "GET", "/measures/{E}/aggregate?from=0&to=10&buckets=10001", 400),
    Bad("export with bad measure", "GET", "/measures/{E}/export?measure=furlongs", 400),
]


@pytest.fixture(scope="module")
def experiment(world: World, scientist: Caller) -> Experiment:
    experiment = world.experiment("bad-input")
    world.associate(scientist, experiment)
    return experiment


def _send(client: FlaskClient, case: Bad, caller: Caller, experiment: Experiment):  # type: ignore[no-untyped-def]
    path = case.path.replace("{E}", str(experiment.experiment_id))
    if case.data is not None:
        return client.open(path, method=case.method, data=case.data, content_type=case.content_type,
                           headers=caller.headers)
    return client.open(path, method=case.method, json=case.json, headers=caller.headers)


def _assert_problem(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("case", ADMIN_CASES, ids=lambda c: c.name)
def test_bad_admin_requests_get_a_clear_problem(
    client: FlaskClient, admin: Caller, experiment: Experiment, case: Bad,
) -> None:
    _assert_problem(_send(client, case, admin, experiment), case.status)


@pytest.mark.parametrize("case", SCIENTIST_CASES, ids=lambda c: c.name)
def test_bad_measure_queries_get_a_clear_problem(
    client: FlaskClient, scientist: Caller, experiment: Experiment, case: Bad,
) -> None:
    _assert_problem(_send(client, case, scientist, experiment), case.status)


def test_validation_problems_name_the_offending_field(client: FlaskClient, admin: Caller) -> None:
    response = client.post("/experiments/", json={"name": 42}, headers=admin.headers)

    assert response.get_json()["errors"][0]["field"] == "name"
