"""DELETE /experiments/{id} on the real MariaDB: an empty experiment goes with its associations;
one that holds measures stays (the measures' foreign key decides, even against a concurrent insert)."""

from __future__ import annotations

from flask.testing import FlaskClient

from mymonit.container import Container
from tests.support.api_world import Caller, World


def test_an_empty_experiment_is_deleted_with_its_associations(
    client: FlaskClient, world: World, admin: Caller, scientist: Caller, container: Container,
) -> None:
    experiment = world.experiment("deleted")
    world.associate(scientist, experiment)

    response = client.delete(f"/experiments/{experiment.experiment_id}", headers=admin.headers)

    assert response.status_code == 204
    assert client.get(f"/experiments/{experiment.experiment_id}", headers=admin.headers).status_code == 404
    assert experiment.experiment_id not in container.association_repository().all()
    listed = client.get("/experiments/", headers=scientist.headers).get_json()
    assert experiment.experiment_id not in {e["experiment_id"] for e in listed}


def test_an_experiment_that_holds_measures_is_kept_with_its_associations(
    client: FlaskClient, world: World, admin: Caller, scientist: Caller, container: Container,
) -> None:
    experiment = world.experiment("kept")
    world.associate(scientist, experiment)
    world.measures(experiment, [1.0])

    response = client.delete(f"/experiments/{experiment.experiment_id}", headers=admin.headers)

    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "holds measures" in response.get_json()["detail"]
    assert client.get(f"/experiments/{experiment.experiment_id}", headers=admin.headers).status_code == 200
    assert scientist.user is not None
    assert container.association_repository().all()[experiment.experiment_id] == [scientist.user.user_id]


def test_deleting_an_unknown_experiment_is_a_404(client: FlaskClient, admin: Caller) -> None:
    assert client.delete("/experiments/999999999", headers=admin.headers).status_code == 404
