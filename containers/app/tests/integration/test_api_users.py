"""User management through the API, GDPR erasure included."""

from __future__ import annotations

import secrets
from typing import Any

from flask.testing import FlaskClient

from mymonit.container import Container
from mymonit.domain.model import Role
from tests.support.api_world import Caller, World


def _new_user_body(**overrides: Any) -> dict[str, Any]:
    suffix = secrets.token_hex(4)
    body = {"user_id": f"N{suffix}", "name": "Marie Curie", "username": f"uid-{suffix}",
            "email": f"mc-{suffix}@tests.mymonit.invalid", "role": "SCIENTIST"}
    return body | overrides


def test_an_admin_creates_a_user_and_gets_it_back_with_a_location(client: FlaskClient, admin: Caller) -> None:
    body = _new_user_body()

    created = client.post("/users/", json=body, headers=admin.headers)
    fetched = client.get(created.headers["Location"], headers=admin.headers)

    assert created.status_code == 201
    assert created.headers["Location"] == f"/users/{body['user_id']}"
    assert fetched.get_json() == body | {"erased": False}


def test_duplicate_id_username_or_email_answers_409_naming_the_field(client: FlaskClient, admin: Caller) -> None:
    first = _new_user_body()
    client.post("/users/", json=first, headers=admin.headers)

    for field in ("user_id", "username", "email"):
        clash = _new_user_body(**{field: first[field]})
        response = client.post("/users/", json=clash, headers=admin.headers)
        assert response.status_code == 409, field
        assert field in response.get_json()["detail"]


def test_a_user_edits_their_own_name_and_email_but_not_their_role(
    client: FlaskClient, world: World,
) -> None:
    me = world.caller(Role.SCIENTIST)
    assert me.user is not None
    path = f"/users/{me.user.user_id}"

    renamed = client.put(path, json={"name": "New Name", "email": "new-name@tests.mymonit.invalid"},
                         headers=me.headers)
    promoted = client.put(path, json={"name": "New Name", "email": "new-name@tests.mymonit.invalid",
                                      "role": "ADMIN"}, headers=me.headers)

    assert renamed.status_code == 200
    assert renamed.get_json()["name"] == "New Name"
    assert promoted.status_code == 403


def test_an_admin_changes_a_users_username_which_the_original_answered_with_500(
    client: FlaskClient, admin: Caller, world: World,
) -> None:
    target = world.user_row()
    body = {"name": "Same", "email": f"same-{secrets.token_hex(3)}@tests.mymonit.invalid", "username": "uid-changed-"
            + secrets.token_hex(3)}

    response = client.put(f"/users/{target.user_id}", json=body, headers=admin.headers)

    assert response.status_code == 200
    assert response.get_json()["username"] == body["username"]


def test_gdpr_erasure_removes_personal_data_and_associations_and_locks_the_user_out(
    client: FlaskClient, admin: Caller, world: World, container: Container,
) -> None:
    victim = world.caller(Role.SCIENTIST)
    assert victim.user is not None
    experiment = world.experiment("gdpr")
    world.associate(victim, experiment)
    assert client.get("/experiments/", headers=victim.headers).status_code == 200

    erased = client.delete(f"/users/{victim.user.user_id}", headers=admin.headers)

    assert erased.status_code == 200
    assert erased.get_json() == {"user_id": victim.user.user_id, "name": None, "username": None, "email": None,
                                 "role": "SCIENTIST", "erased": True}
    stored = container.user_repository().by_id(victim.user.user_id)
    assert stored is not None
    assert (stored.name.reveal(), stored.email.reveal(), stored.username.reveal()) == (None, None, None)
    assert victim.user.user_id not in client.get("/scientists-experiments/", headers=admin.headers).get_data(
        as_text=True)
    assert client.get("/experiments/", headers=victim.headers).status_code == 403


def test_an_admin_cannot_erase_themself(client: FlaskClient, admin: Caller) -> None:
    assert admin.user is not None

    response = client.delete(f"/users/{admin.user.user_id}", headers=admin.headers)

    assert response.status_code == 409


def test_granting_twice_answers_201_then_200_and_admins_cannot_be_associated(
    client: FlaskClient, admin: Caller, world: World,
) -> None:
    experiment = world.experiment("grant")
    scientist, other_admin = world.user_row(), world.user_row(Role.ADMIN)
    path = f"/scientists-experiments/{experiment.experiment_id}/"

    first = client.post(path + scientist.user_id, headers=admin.headers)
    again = client.post(path + scientist.user_id, headers=admin.headers)
    refused = client.post(path + other_admin.user_id, headers=admin.headers)
    listing = client.get("/scientists-experiments/", headers=admin.headers).get_json()

    assert (first.status_code, again.status_code, refused.status_code) == (201, 200, 422)
    assert listing[str(experiment.experiment_id)] == {"users": [scientist.user_id]}


def test_a_revoked_token_is_refused_with_the_reason(client: FlaskClient, world: World) -> None:
    caller = world.caller(Role.SCIENTIST)
    assert caller.account is not None
    assert client.get("/users/me", headers=caller.headers).status_code == 200

    world.emulator.revoke(caller.account)
    response = client.get("/users/me", headers=caller.headers)

    assert response.status_code == 401
    assert "revoked" in response.get_json()["detail"]
