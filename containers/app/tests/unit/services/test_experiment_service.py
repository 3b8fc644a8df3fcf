"""ExperimentService: visibility, creation, renaming and the associations that grant access to measures."""

from __future__ import annotations

import pytest

from mymonit.domain.errors import (
    DuplicateExperiment,
    ExperimentHasMeasures,
    NotAScientist,
    NotFound,
    UnknownExperiment,
    UnknownUser,
)
from mymonit.domain.model import User
from tests.unit.builders import a_row, an_experiment, with_measures
from tests.unit.fakes import InMemoryStore, Services, caller_of


def test_an_admin_sees_every_experiment(services: Services, admin: User) -> None:
    assert services.experiments.visible_to(admin) == [an_experiment(1, "device-vibrations"),
                                                      an_experiment(2, "black-holes")]


def test_a_scientist_sees_only_the_experiments_they_are_associated_with(
    services: Services, associated_scientist: User,
) -> None:
    assert services.experiments.visible_to(associated_scientist) == [an_experiment(1, "device-vibrations")]


def test_a_scientist_with_no_association_sees_no_experiment(services: Services, store: InMemoryStore) -> None:
    assert services.experiments.visible_to(caller_of(store, "S003")) == []


def test_a_scientist_reads_an_experiment_they_are_associated_with(services: Services,
                                                                  associated_scientist: User) -> None:
    assert services.experiments.get(associated_scientist, 1) == an_experiment(1, "device-vibrations")


@pytest.mark.parametrize("experiment_id", [pytest.param(1, id="existing"), pytest.param(99, id="unknown")])
def test_a_scientist_not_associated_with_an_experiment_is_told_it_does_not_exist(
    services: Services, unassociated_scientist: User, experiment_id: int,
) -> None:
    with pytest.raises(UnknownExperiment):
        services.experiments.get(unassociated_scientist, experiment_id)


def test_an_admin_reading_an_unknown_experiment_gets_unknown_experiment(services: Services, admin: User) -> None:
    with pytest.raises(UnknownExperiment, match="99"):
        services.experiments.get(admin, 99)


def test_an_admin_creates_an_experiment_with_a_new_id(services: Services, admin: User,
                                                      store: InMemoryStore) -> None:
    created = services.experiments.create(admin, "gravitational-waves")

    assert created == an_experiment(3, "gravitational-waves")
    assert store.experiments[3] == created


def test_creating_an_experiment_with_a_taken_name_is_a_conflict(services: Services, admin: User) -> None:
    with pytest.raises(DuplicateExperiment):
        services.experiments.create(admin, "black-holes")


def test_an_admin_renames_an_experiment(services: Services, admin: User, store: InMemoryStore) -> None:
    before, renamed = services.experiments.rename(admin, 1, "device-vibrations-2")

    assert before == an_experiment(1, "device-vibrations")
    assert renamed == an_experiment(1, "device-vibrations-2")
    assert store.experiments[1] == renamed


def test_renaming_an_unknown_experiment_raises_unknown_experiment(services: Services, admin: User,
                                                                  store: InMemoryStore) -> None:
    with pytest.raises(UnknownExperiment):
        services.experiments.rename(admin, 99, "anything")

    assert 99 not in store.experiments


def test_renaming_to_another_experiments_name_is_a_conflict(services: Services, admin: User) -> None:
    with pytest.raises(DuplicateExperiment):
        services.experiments.rename(admin, 1, "black-holes")


def test_an_admin_deletes_an_empty_experiment_with_its_associations(services: Services, admin: User,
                                                                      store: InMemoryStore) -> None:
    deleted = services.experiments.delete(admin, 2)

    assert deleted == an_experiment(2, "black-holes")
    assert 2 not in store.experiments
    assert ("S002", 2) not in store.associations
    assert ("S001", 1) in store.associations


def test_an_experiment_that_holds_measures_is_not_deleted(services: Services, admin: User,
                                                          store: InMemoryStore) -> None:
    with_measures(store, 2, a_row(1))

    with pytest.raises(ExperimentHasMeasures, match="holds measures"):
        services.experiments.delete(admin, 2)

    assert 2 in store.experiments
    assert ("S002", 2) in store.associations


def test_deleting_an_unknown_experiment_raises_unknown_experiment(services: Services, admin: User) -> None:
    with pytest.raises(UnknownExperiment):
        services.experiments.delete(admin, 99)


def test_an_admin_lists_associations_by_experiment(services: Services, admin: User) -> None:
    assert services.experiments.associations(admin) == {1: ["S001"], 2: ["S002"]}


def test_granting_returns_true_for_a_new_association_and_false_for_an_existing_one(
    services: Services, admin: User, store: InMemoryStore,
) -> None:
    first = services.experiments.grant(admin, 1, "S003")
    second = services.experiments.grant(admin, 1, "S003")

    assert (first, second) == (True, False)
    assert ("S003", 1) in store.associations


@pytest.mark.parametrize(
    ("experiment_id", "user_id", "error"),
    [
        pytest.param(99, "S003", UnknownExperiment, id="unknown experiment"),
        pytest.param(1, "X999", UnknownUser, id="unknown user"),
        pytest.param(1, "A001", NotAScientist, id="an admin"),
    ],
)
def test_granting_is_refused_for_a_missing_experiment_a_missing_user_or_an_admin(
    services: Services, admin: User, store: InMemoryStore, experiment_id: int, user_id: str,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        services.experiments.grant(admin, experiment_id, user_id)

    assert store.associations == {("S001", 1), ("S002", 2)}


def test_an_erased_user_cannot_be_granted_access(services: Services, admin: User, store: InMemoryStore) -> None:
    services.users.erase(admin, "S003")

    with pytest.raises(UnknownUser):
        services.experiments.grant(admin, 1, "S003")
    assert ("S003", 1) not in store.associations


def test_revoking_removes_the_association(services: Services, admin: User, store: InMemoryStore) -> None:
    services.experiments.revoke(admin, 1, "S001")

    assert ("S001", 1) not in store.associations


def test_revoking_an_association_that_does_not_exist_raises_not_found(services: Services, admin: User) -> None:
    with pytest.raises(NotFound, match="S002 is not associated with experiment 1"):
        services.experiments.revoke(admin, 1, "S002")


def test_a_revoked_association_is_gone_from_the_callers_next_request(services: Services, admin: User,
                                                                     store: InMemoryStore) -> None:
    services.experiments.revoke(admin, 1, "S001")

    next_request = caller_of(store, "S001")

    assert services.experiments.visible_to(next_request) == []
    with pytest.raises(UnknownExperiment):
        services.experiments.get(next_request, 1)
