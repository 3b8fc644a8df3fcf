"""ExperimentRepository (services/ports.py): the fake and MySqlExperimentRepository keep the same contract.

Names compare as the column collation does (letter case, accents and trailing blanks do not count);
ids come from AUTO_INCREMENT: new ones only grow, and a deleted experiment's id is never given again.
"""

from __future__ import annotations

import pytest

from mymonit.domain.errors import DuplicateExperiment, ExperimentHasMeasures
from mymonit.domain.model import Caller, Experiment
from tests.integration.contracts.contract_world import Storage, a_measure
from tests.unit.builders import T0, a_scientist


@pytest.fixture
def vibrations(storage: Storage) -> Experiment:
    return storage.experiments.add("device-vibrations")


def test_an_experiment_added_gets_a_new_id_and_is_read_back(storage: Storage) -> None:
    first = storage.experiments.add("device-vibrations")
    second = storage.experiments.add("black-holes")

    assert (first.name, second.name) == ("device-vibrations", "black-holes")
    assert 0 < first.experiment_id < second.experiment_id
    assert storage.experiments.by_id(first.experiment_id) == first
    assert storage.experiments.by_id(second.experiment_id) == second


def test_experiments_are_listed_in_id_order(storage: Storage) -> None:
    added = [storage.experiments.add(name) for name in ("zeta", "alpha", "mu")]

    assert storage.experiments.all() == added


def test_an_unknown_id_names_no_experiment(storage: Storage, vibrations: Experiment) -> None:
    assert storage.experiments.by_id(vibrations.experiment_id + 1) is None


@pytest.mark.parametrize("name", ["device-vibrations", "Device-Vibrations", "dévice-vibrations",
                                  "device-vibrations "])
def test_a_name_taken_in_any_letter_case_or_accent_is_refused_and_nothing_is_stored(
    storage: Storage, vibrations: Experiment, name: str,
) -> None:
    with pytest.raises(DuplicateExperiment):
        storage.experiments.add(name)

    assert storage.experiments.all() == [vibrations]


def test_the_id_of_a_deleted_experiment_is_never_given_again(storage: Storage, vibrations: Experiment) -> None:
    newest = storage.experiments.add("black-holes")
    storage.experiments.delete(newest.experiment_id)

    after = storage.experiments.add("gravitational-waves")

    assert after.experiment_id > newest.experiment_id > vibrations.experiment_id


def test_a_rename_shows_at_once_and_may_keep_the_name_in_another_letter_case(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.experiments.rename(vibrations.experiment_id, "vibrations")
    assert storage.experiments.by_id(vibrations.experiment_id) == Experiment(vibrations.experiment_id, "vibrations")

    storage.experiments.rename(vibrations.experiment_id, "VIBRATIONS")
    assert storage.experiments.all() == [Experiment(vibrations.experiment_id, "VIBRATIONS")]


@pytest.mark.parametrize("name", ["black-holes", "Black-Holes"])
def test_renaming_to_a_name_taken_is_refused_and_changes_nothing(
    storage: Storage, vibrations: Experiment, name: str,
) -> None:
    holes = storage.experiments.add("black-holes")

    with pytest.raises(DuplicateExperiment):
        storage.experiments.rename(vibrations.experiment_id, name)

    assert storage.experiments.all() == [vibrations, holes]


def test_renaming_an_unknown_experiment_creates_nothing(storage: Storage, vibrations: Experiment) -> None:
    storage.experiments.rename(vibrations.experiment_id + 1, "ghost")

    assert storage.experiments.all() == [vibrations]


def test_deleting_an_empty_experiment_removes_it_and_its_associations_and_nothing_else(
    storage: Storage, vibrations: Experiment,
) -> None:
    holes = storage.experiments.add("black-holes")
    scientist = a_scientist("S001")
    storage.users.add(scientist)
    for experiment in (vibrations, holes):
        storage.associations.grant("S001", experiment.experiment_id)

    storage.experiments.delete(vibrations.experiment_id)

    assert storage.experiments.by_id(vibrations.experiment_id) is None
    assert storage.experiments.all() == [holes]
    assert storage.associations.all() == {holes.experiment_id: ["S001"]}
    assert storage.users.caller("uid-s001") == Caller.of(scientist, (holes,))


def test_deleting_an_unknown_experiment_changes_nothing(storage: Storage, vibrations: Experiment) -> None:
    storage.experiments.delete(vibrations.experiment_id + 1)

    assert storage.experiments.all() == [vibrations]


def test_an_experiment_that_holds_measures_cannot_be_deleted_and_keeps_its_associations(
    storage: Storage, vibrations: Experiment,
) -> None:
    storage.users.add(a_scientist("S001"))
    storage.associations.grant("S001", vibrations.experiment_id)
    storage.store(a_measure(vibrations, T0))

    with pytest.raises(ExperimentHasMeasures):
        storage.experiments.delete(vibrations.experiment_id)

    assert storage.experiments.all() == [vibrations]
    assert storage.associations.all() == {vibrations.experiment_id: ["S001"]}
    assert len(storage.rows(vibrations)) == 1


def test_the_name_of_a_deleted_experiment_is_free_again(storage: Storage, vibrations: Experiment) -> None:
    storage.experiments.delete(vibrations.experiment_id)

    again = storage.experiments.add("device-vibrations")

    assert storage.experiments.all() == [again]
    assert again.experiment_id != vibrations.experiment_id
