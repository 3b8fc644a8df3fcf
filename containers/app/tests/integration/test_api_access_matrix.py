"""Every endpoint against every kind of caller, status by status (docs/design.md, Permission matrix)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from mymonit.domain.model import Role
from tests.support.api_world import Caller, World


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Endpoint:
    """A call template and the status expected for (ADMIN, associated SCIENTIST, other SCIENTIST)."""

    name: str
    method: str
    path: str
    expected: tuple[int, int, int]
    body: str | None = None


ENDPOINTS = [
    Endpoint("list experiments", "GET", "/experiments/", (200, 200, 200)),
    Endpoint("read experiment", "GET", "/experiments/{E}", (200, 200, 404)),
    Endpoint("create experiment", "POST", "/experiments/", (201, 403, 403), body="experiment"),
    Endpoint("rename experiment", "PUT", "/experiments/{E}", (200, 403, 403), body="experiment"),
    Endpoint("delete experiment", "DELETE", "/experiments/{E}", (204, 403, 403)),
    Endpoint("list users", "GET", "/users/", (200, 403, 403)),
    Endpoint("read own profile", "GET", "/users/me", (200, 200, 200)),
    Endpoint("read another user", "GET", "/users/{U}", (200, 403, 403)),
    Endpoint("create user", "POST", "/users/", (201, 403, 403), body="user"),
    Endpoint("update another user", "PUT", "/users/{U}", (200, 403, 403), body="user_update"),
    Endpoint("erase user", "DELETE", "/users/{U}", (200, 403, 403)),
    Endpoint("list associations", "GET", "/scientists-experiments/", (200, 403, 403)),
    Endpoint("grant association", "POST", "/scientists-experiments/{E}/{V}", (201, 403, 403)),
    Endpoint("revoke association", "DELETE", "/scientists-experiments/{E}/{U}", (204, 403, 403)),
    Endpoint("list measure types", "GET", "/measure-types/", (200, 200, 200)),
    Endpoint("read measures", "GET", "/measures/{E}", (403, 200, 403)),
    Endpoint("aggregate measures", "GET",
             "/measures/{E}/aggregate?from=2022-01-01T00:00:00Z&to=2022-01-02T00:00:00Z", (403, 200, 403)),
    Endpoint("export measures", "GET", "/measures/{E}/export", (403, 200, 403)),
    Endpoint("read one sensor's measures", "GET", "/measures/{E}?sensor=north&tag.site=a", (403, 200, 403)),
    Endpoint("aggregate per series", "GET", "/measures/{E}/aggregate?from=0&to=86400&group_by=series",
             (403, 200, 403)),
    Endpoint("list series", "GET", "/series/{E}", (403, 200, 403)),
    Endpoint("list alert rules", "GET", "/alert-rules/", (200, 200, 200)),
    Endpoint("list an experiment's alert rules", "GET", "/alert-rules/?experiment_id={E}", (200, 200, 403)),
    Endpoint("define alert rule", "POST", "/alert-rules/", (201, 201, 403), body="rule"),
    Endpoint("read alert rule", "GET", "/alert-rules/{R}", (200, 200, 404)),
    Endpoint("redefine alert rule", "PUT", "/alert-rules/{R}", (200, 200, 404), body="rule"),
    Endpoint("delete alert rule", "DELETE", "/alert-rules/{R}", (204, 204, 404)),
    Endpoint("list alerts", "GET", "/alerts/", (403, 200, 200)),
    Endpoint("list an experiment's alerts", "GET", "/alerts/?experiment_id={E}", (403, 200, 403)),
    Endpoint("read an alert's history", "GET", "/alerts/{A}/history", (403, 200, 404)),
]
PUBLIC = ["/health", "/metrics", "/openapi.json", "/docs"]
CALLERS = ["no token", "garbage token", "revoked token", "unregistered uid", "ADMIN", "associated SCIENTIST",
           "other SCIENTIST"]


def _body(kind: str | None, experiment_id: int) -> dict[str, Any] | None:
    suffix = secrets.token_hex(4)
    bodies: dict[str, dict[str, Any]] = {
        "experiment": {"name": f"matrix-{suffix}"},
        "user": {"user_id": f"M{suffix}", "name": "Matrix User", "username": f"uid-m-{suffix}",
                 "email": f"m-{suffix}@tests.mymonit.invalid", "role": "SCIENTIST"},
        "user_update": {"name": "Renamed User", "email": f"r-{suffix}@tests.mymonit.invalid"},
        "rule": {"name": f"matrix-{suffix}", "experiment_id": experiment_id, "measure": "hertz",
                 "statistic": "mean", "condition": "above", "threshold": 1.0, "window": 60},
    }
    return bodies[kind] if kind else None


@pytest.fixture(scope="module")
def revoked(world: World) -> Caller:
    caller = world.caller(Role.SCIENTIST)
    assert caller.account is not None
    world.emulator.revoke(caller.account)
    return caller


@pytest.fixture(scope="module")
def unregistered(world: World) -> Caller:
    return world.caller(register=False)


def _headers(caller_name: str, callers: dict[str, Caller]) -> dict[str, str]:
    if caller_name == "no token":
        return {}
    if caller_name == "garbage token":
        return {"Authorization": "Bearer not-a-jwt"}
    return callers[caller_name].headers


@pytest.mark.parametrize("caller_name", CALLERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_endpoint_answers_each_kind_of_caller_with_the_status_of_the_permission_matrix(
    client: FlaskClient, world: World, endpoint: Endpoint, caller_name: str,
    admin: Caller, scientist: Caller, outsider: Caller, revoked: Caller, unregistered: Caller,
) -> None:
    experiment = world.experiment("matrix")
    world.associate(scientist, experiment)
    target, grantee = world.user_row(), world.user_row()
    world.associate(target, experiment)
    rule = world.alert_rule(experiment)
    alert_id = world.alert(rule)
    path = endpoint.path.format(E=experiment.experiment_id, U=target.user_id, V=grantee.user_id, R=rule.rule_id,
                                A=alert_id)
    callers = {"revoked token": revoked, "unregistered uid": unregistered, "ADMIN": admin,
               "associated SCIENTIST": scientist, "other SCIENTIST": outsider}

    response = client.open(path, method=endpoint.method, json=_body(endpoint.body, experiment.experiment_id),
                           headers=_headers(caller_name, callers))

    expected = {"no token": 401, "garbage token": 401, "revoked token": 401, "unregistered uid": 403}.get(caller_name)
    if expected is None:
        expected = endpoint.expected[CALLERS.index(caller_name) - 4]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == expected
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", PUBLIC)
def test_public_endpoints_need_no_token(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
