"""The caller and their associations, read in one statement on the real MariaDB."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from mymonit.container import Container
from mymonit.domain.model import Caller, Role, User
from mymonit.domain.personal import Personal


def _new_scientist(container: Container) -> User:
    suffix = secrets.token_hex(4)
    user = User(f"C{suffix}", Personal("Caller Test"), Personal(f"uid-caller-{suffix}"),
                Personal(f"caller-{suffix}@test.mymonit.invalid"), Role.SCIENTIST)
    container.user_repository().add(user)
    return user


def _resolve(container: Container, user: User) -> Caller | None:
    return container.user_repository().caller(user.username.reveal() or "")


def test_a_caller_comes_with_every_experiment_they_are_associated_with_in_id_order(container: Container) -> None:
    user = _new_scientist(container)
    experiments = container.experiment_repository()
    first, second = (experiments.add(f"caller-test-{secrets.token_hex(4)}") for _ in range(2))
    for experiment in (second, first):
        container.association_repository().grant(user.user_id, experiment.experiment_id)

    caller = _resolve(container, user)

    assert caller is not None
    assert (caller.user_id, caller.role, caller.experiments) == (user.user_id, Role.SCIENTIST, (first, second))
    assert caller.associated(second.experiment_id) == second


def test_a_caller_without_associations_has_none_and_a_revoked_one_is_gone_at_once(container: Container) -> None:
    user = _new_scientist(container)
    assert _resolve(container, user) == Caller.of(user, ())

    experiment = container.experiment_repository().add(f"caller-test-{secrets.token_hex(4)}")
    container.association_repository().grant(user.user_id, experiment.experiment_id)
    container.association_repository().revoke(user.user_id, experiment.experiment_id)

    caller = _resolve(container, user)
    assert caller is not None
    assert caller.associated(experiment.experiment_id) is None


def test_an_erased_user_is_no_caller(container: Container) -> None:
    user = _new_scientist(container)
    container.user_repository().erase(user.user_id, datetime.now(UTC))

    assert _resolve(container, user) is None

