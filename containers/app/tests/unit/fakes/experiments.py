"""The fakes of `services.ports.ExperimentRepository` and `AssociationRepository`, held to the MariaDB
repositories by tests/integration/contracts/test_experiment_repository_contract.py and
test_association_repository_contract.py."""

from __future__ import annotations

from mymonit.domain.errors import DuplicateExperiment, ExperimentHasMeasures
from mymonit.domain.model import Experiment
from tests.unit.fakes.store import InMemoryStore, collated, folded, same_user_id


class FakeExperimentRepository:
    """Names compare as the database's collation does (case, accents and trailing blanks ignored)."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> list[Experiment]:
        return sorted(self._store.experiments.values(), key=lambda e: e.experiment_id)

    def by_id(self, experiment_id: int) -> Experiment | None:
        return self._store.experiments.get(experiment_id)

    def add(self, name: str) -> Experiment:
        self._refuse_duplicate(name, None)
        store = self._store
        store.last_experiment_id = max(store.last_experiment_id, *store.experiments, 0) + 1
        experiment = Experiment(store.last_experiment_id, name)
        store.experiments[experiment.experiment_id] = experiment
        return experiment

    def rename(self, experiment_id: int, name: str) -> None:
        if experiment_id not in self._store.experiments:
            return  # an UPDATE that matches no row changes nothing
        self._refuse_duplicate(name, experiment_id)
        self._store.experiments[experiment_id] = Experiment(experiment_id, name)

    def delete(self, experiment_id: int) -> None:
        if any(owner == experiment_id for owner, _ in self._store.measures):
            raise ExperimentHasMeasures(experiment_id)
        self._store.associations = {(u, e) for u, e in self._store.associations if e != experiment_id}
        self._store.experiments.pop(experiment_id, None)
        self._store.alert_rules = {i: r for i, r in self._store.alert_rules.items()
                                   if r.spec.experiment_id != experiment_id}  # the foreign key's ON DELETE CASCADE

    def _refuse_duplicate(self, name: str, experiment_id: int | None) -> None:
        if any(folded(e.name) == folded(name) and e.experiment_id != experiment_id
               for e in self._store.experiments.values()):
            raise DuplicateExperiment


class FakeAssociationRepository:
    """Like the table's foreign keys and INSERT IGNORE: a grant naming no user or no experiment stores
    nothing; user ids compare as the collation does, and are kept as they were granted."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def all(self) -> dict[int, list[str]]:
        return {
            experiment_id: sorted((u for u, e in self._store.associations if e == experiment_id), key=collated)
            for experiment_id in sorted(self._store.experiments)
        }

    def grant(self, user_id: str, experiment_id: int) -> bool:
        known = (experiment_id in self._store.experiments
                 and any(same_user_id(u, user_id) for u in self._store.users))
        if not known or self._granted(user_id, experiment_id) is not None:
            return False
        self._store.associations.add((user_id, experiment_id))
        return True

    def revoke(self, user_id: str, experiment_id: int) -> bool:
        granted = self._granted(user_id, experiment_id)
        self._store.associations.discard((granted or user_id, experiment_id))
        return granted is not None

    def _granted(self, user_id: str, experiment_id: int) -> str | None:
        """The user id as granted of the association of `user_id` with the experiment, if any."""
        return next((u for u, e in self._store.associations if e == experiment_id and same_user_id(u, user_id)),
                    None)
