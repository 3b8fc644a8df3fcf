"""Experiments and who may read them."""

from __future__ import annotations

from mymonit.domain.errors import NotAScientist, NotFound, UnknownExperiment, UnknownUser
from mymonit.domain.model import Caller, Experiment, User
from mymonit.services.access import require_admin
from mymonit.services.ports import AccessStamp, AssociationRepository, ExperimentRepository, UserRepository


class ExperimentService:
    def __init__(self, experiments: ExperimentRepository, associations: AssociationRepository,
                 users: UserRepository, stamp: AccessStamp) -> None:
        self._experiments = experiments
        self._stamp = stamp
        self._associations = associations
        self._users = users

    def visible_to(self, actor: Caller) -> list[Experiment]:
        """ADMIN: every experiment. SCIENTIST: only those they are associated with."""
        if actor.is_admin:
            return self._experiments.all()
        return list(actor.experiments)

    def get(self, actor: Caller, experiment_id: int) -> Experiment:
        """A scientist gets 404 for an experiment that is not theirs: its existence is not theirs to know."""
        if actor.is_admin:
            return self._existing(experiment_id)
        experiment = actor.associated(experiment_id)
        if experiment is None:
            raise UnknownExperiment(experiment_id)
        return experiment

    def create(self, actor: User, name: str) -> Experiment:
        require_admin(actor)
        return self._experiments.add(name)

    def rename(self, actor: User, experiment_id: int, name: str) -> tuple[Experiment, Experiment]:
        """Returns the experiment before and after."""
        require_admin(actor)
        before = self._existing(experiment_id)
        self._experiments.rename(experiment_id, name)
        self._stamp.advance()
        return before, Experiment(experiment_id, name)

    def delete(self, actor: User, experiment_id: int) -> Experiment:
        """Delete an experiment that holds no measures, with its associations; returns what it was."""
        require_admin(actor)
        experiment = self._existing(experiment_id)
        self._experiments.delete(experiment_id)
        self._stamp.advance()
        return experiment

    def associations(self, actor: User) -> dict[int, list[str]]:
        require_admin(actor)
        return self._associations.all()

    def grant(self, actor: User, experiment_id: int, user_id: str) -> bool:
        """Associate a SCIENTIST with an experiment; True if new, False if it already was."""
        require_admin(actor)
        self._existing(experiment_id)
        user = self._users.by_id(user_id)
        if user is None or user.is_erased:
            raise UnknownUser(user_id)
        if user.is_admin:
            raise NotAScientist(user_id)
        granted = self._associations.grant(user_id, experiment_id)
        self._stamp.advance()
        return granted

    def revoke(self, actor: User, experiment_id: int, user_id: str) -> None:
        require_admin(actor)
        if not self._associations.revoke(user_id, experiment_id):
            raise NotFound(f"user {user_id} is not associated with experiment {experiment_id}")
        self._stamp.advance()

    def _existing(self, experiment_id: int) -> Experiment:
        experiment = self._experiments.by_id(experiment_id)
        if experiment is None:
            raise UnknownExperiment(experiment_id)
        return experiment
