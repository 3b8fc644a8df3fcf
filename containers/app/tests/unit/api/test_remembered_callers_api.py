"""A worker remembers its callers, yet every change of access shows on the very next request."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mymonit.domain.model import Caller
from tests.unit.builders import bearer
from tests.unit.fakes import Ports

ADMIN = bearer("A001")
SCIENTIST = bearer("S001")  # associated with experiment 1


def test_a_revoked_association_is_gone_on_the_next_request(client: FlaskClient) -> None:
    assert client.get("/experiments/1", headers=SCIENTIST).status_code == 200

    assert client.delete("/scientists-experiments/1/S001", headers=ADMIN).status_code == 204

    assert client.get("/experiments/1", headers=SCIENTIST).status_code == 404


def test_a_granted_association_shows_on_the_next_request(client: FlaskClient) -> None:
    assert client.get("/experiments/1", headers=bearer("S003")).status_code == 404

    assert client.post("/scientists-experiments/1/S003", headers=ADMIN).status_code == 201

    assert client.get("/experiments/1", headers=bearer("S003")).status_code == 200


def test_a_changed_role_counts_on_the_next_request(client: FlaskClient) -> None:
    assert client.get("/users/", headers=SCIENTIST).status_code == 403
    body = {"name": "Peter Higg", "email": "s001@home.cern", "role": "ADMIN"}

    assert client.put("/users/S001", json=body, headers=ADMIN).status_code == 200

    assert client.get("/users/", headers=SCIENTIST).status_code == 200


def test_an_erased_user_is_refused_on_the_next_request(client: FlaskClient) -> None:
    assert client.get("/experiments/", headers=SCIENTIST).status_code == 200

    assert client.delete("/users/S001", headers=ADMIN).status_code in (200, 204)

    assert client.get("/experiments/", headers=SCIENTIST).status_code == 403


def test_a_renamed_experiment_shows_its_new_name_on_the_next_request(client: FlaskClient) -> None:
    client.get("/experiments/1", headers=SCIENTIST)

    assert client.put("/experiments/1", json={"name": "renamed"}, headers=ADMIN).status_code == 200

    assert client.get("/experiments/1", headers=SCIENTIST).get_json()["name"] == "renamed"


def test_a_remembered_caller_costs_no_read(client: FlaskClient, ports: Ports, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    read = ports.users.caller

    def counted(uid: str) -> Caller | None:
        reads.append(uid)
        return read(uid)

    monkeypatch.setattr(ports.users, "caller", counted)
    for _ in range(3):
        assert client.get("/experiments/", headers=SCIENTIST).status_code == 200

    assert reads == ["uid-s001"]
