"""AssociationRepository (services/ports.py): the fake and MySqlAssociationRepository keep the same contract,
and the caller's query (the access rule's one read) sees every grant and revoke at once.

A grant is INSERT IGNORE under two foreign keys: one that names no user or no experiment stores
nothing; user ids compare as the collation does and are listed as they were granted.
"""

from __future__ import annotations

import pytest

from mymonit.domain.model import Caller, Experiment, User
from tests.integration.contracts.contract_world import Storage
from tests.unit.builders import a_scientist


@pytest.fixture
def vibrations(storage: Storage) -> Experiment:
    return storage.experiments.add("device-vibrations")


@pytest.fixture
def s001(storage: Storage) -> User:
    user = a_scientist("S001")
    storage.users.add(user)
    return user


def test_a_grant_is_new_once_and_then_listed(storage: Storage, vibrations: Experiment, s001: User) -> None:
    assert storage.associations.grant(s001.user_id, vibrations.experiment_id) is True
    assert storage.associations.grant(s001.user_id, vibrations.experiment_id) is False

    assert storage.associations.all() == {vibrations.experiment_id: ["S001"]}


def test_every_experiment_is_listed_in_id_order_with_its_users_in_the_collations_order(
    storage: Storage, vibrations: Experiment,
) -> None:
    holes, empty = storage.experiments.add("black-holes"), storage.experiments.add("empty")
    for user_id in ("S2", "s_1", "a9", "S10"):
        storage.users.add(a_scientist(user_id))
        storage.associations.grant(user_id, vibrations.experiment_id)
    storage.associations.grant("S2", holes.experiment_id)

    listed = storage.associations.all()

    assert list(listed) == [vibrations.experiment_id, holes.experiment_id, empty.experiment_id]
    assert listed == {vibrations.experiment_id: ["a9", "s_1", "S10", "S2"], holes.experiment_id: ["S2"],
                      empty.experiment_id: []}


def test_a_revoke_removes_that_association_only_and_says_whether_there_was_one(
    storage: Storage, vibrations: Experiment, s001: User,
) -> None:
    holes = storage.experiments.add("black-holes")
    storage.users.add(a_scientist("S002"))
    for user_id, experiment in (("S001", vibrations), ("S001", holes), ("S002", vibrations)):
        storage.associations.grant(user_id, experiment.experiment_id)

    assert storage.associations.revoke("S001", vibrations.experiment_id) is True
    assert storage.associations.revoke("S001", vibrations.experiment_id) is False
    assert storage.associations.revoke("S002", holes.experiment_id) is False

    assert storage.associations.all() == {vibrations.experiment_id: ["S002"], holes.experiment_id: ["S001"]}
    assert storage.users.caller("uid-s001") == Caller.of(s001, (holes,))


def test_a_grant_naming_no_user_or_no_experiment_stores_nothing(
    storage: Storage, vibrations: Experiment, s001: User,
) -> None:
    assert storage.associations.grant("X999", vibrations.experiment_id) is False
    assert storage.associations.grant(s001.user_id, vibrations.experiment_id + 1) is False

    assert storage.associations.all() == {vibrations.experiment_id: []}


def test_an_id_in_other_letter_case_grants_and_revokes_for_the_same_user(
    storage: Storage, vibrations: Experiment, s001: User,
) -> None:
    assert storage.associations.grant("s001", vibrations.experiment_id) is True
    assert storage.associations.grant("S001", vibrations.experiment_id) is False

    assert storage.associations.all() == {vibrations.experiment_id: ["s001"]}  # as granted
    assert storage.users.caller("uid-s001") == Caller.of(s001, (vibrations,))

    assert storage.associations.revoke("S001", vibrations.experiment_id) is True
    assert storage.associations.all() == {vibrations.experiment_id: []}


def test_the_caller_sees_a_grant_and_a_revoke_at_once(storage: Storage, vibrations: Experiment, s001: User) -> None:
    assert storage.users.caller("uid-s001") == Caller.of(s001, ())

    storage.associations.grant(s001.user_id, vibrations.experiment_id)
    assert storage.users.caller("uid-s001") == Caller.of(s001, (vibrations,))

    storage.associations.revoke(s001.user_id, vibrations.experiment_id)
    assert storage.users.caller("uid-s001") == Caller.of(s001, ())
