"""The permission matrix, in one place."""

from __future__ import annotations

from mymonit.domain.errors import AdminOnly, AdminsCannotReadMeasures, NotAssociated
from mymonit.domain.model import Caller, Experiment, User


def require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise AdminOnly


def require_measure_reader(actor: Caller, experiment_id: int) -> Experiment:
    """Only a SCIENTIST associated with the experiment reads its measures (the original's rule).

    An unknown experiment and one the scientist is not associated with answer alike, so the
    answer tells nothing about which experiment ids exist.
    """
    if actor.is_admin:
        raise AdminsCannotReadMeasures
    experiment = actor.associated(experiment_id)
    if experiment is None:
        raise NotAssociated
    return experiment


def may_keep_rules(actor: Caller, experiment_id: int) -> bool:
    """ADMINs keep the alert rules of every experiment, a SCIENTIST those of experiments they are
    associated with."""
    return actor.is_admin or actor.associated(experiment_id) is not None
