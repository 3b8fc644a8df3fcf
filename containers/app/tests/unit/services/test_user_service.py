"""UserService: who may read, register, update and erase users, and what erasure leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mymonit.domain.errors import (
    AdminOnly,
    Conflict,
    DuplicateUser,
    Forbidden,
    UnknownUser,
    UnregisteredUser,
)
from mymonit.domain.model import Role, User
from mymonit.domain.personal import Personal
from mymonit.services.users import NewUser, UserChanges
from tests.unit.builders import a_scientist, a_user
from tests.unit.fakes import InMemoryStore, Services


def personal_fields(user: User) -> tuple[str | None, str | None, str | None]:
    return user.name.reveal(), user.username.reveal(), user.email.reveal()


def test_resolve_finds_the_registered_user_bound_to_a_firebase_uid(services: Services) -> None:
    assert services.users.resolve("uid-s001").user_id == "S001"


def test_resolve_refuses_a_uid_that_no_user_is_bound_to(services: Services) -> None:
    with pytest.raises(UnregisteredUser):
        services.users.resolve("uid-nobody")


def test_resolve_refuses_the_uid_of_an_erased_user(services: Services, admin: User) -> None:
    services.users.erase(admin, "S003")

    with pytest.raises(UnregisteredUser):
        services.users.resolve("uid-s003")


def test_an_admin_lists_every_user(services: Services, admin: User) -> None:
    assert [u.user_id for u in services.users.all_users(admin)] == ["A001", "S001", "S002", "S003"]


def test_a_scientist_reads_their_own_profile(services: Services, store: InMemoryStore,
                                             associated_scientist: User) -> None:
    assert services.users.get(associated_scientist, "S001") == store.users["S001"]


def test_a_scientist_cannot_read_another_users_profile(services: Services, associated_scientist: User) -> None:
    with pytest.raises(AdminOnly):
        services.users.get(associated_scientist, "S002")


def test_an_admin_reading_an_unknown_user_gets_unknown_user(services: Services, admin: User) -> None:
    with pytest.raises(UnknownUser, match="X999"):
        services.users.get(admin, "X999")


def test_an_admin_registers_a_user_who_can_then_sign_in(services: Services, admin: User) -> None:
    new = NewUser("S100", "Ada Lovelace", "uid-s100", "ada@home.cern", Role.SCIENTIST)

    created = services.users.create(admin, new)

    assert (created.user_id, created.role, personal_fields(created)) == (
        "S100", Role.SCIENTIST, ("Ada Lovelace", "uid-s100", "ada@home.cern"))
    signed_in = services.users.resolve("uid-s100")
    assert (signed_in.user_id, signed_in.role, personal_fields(signed_in), signed_in.experiments) == (
        "S100", Role.SCIENTIST, ("Ada Lovelace", "uid-s100", "ada@home.cern"), ())


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewUser("S001", "Someone", "uid-new", "new@home.cern", Role.SCIENTIST), "user_id"),
        (NewUser("S100", "Someone", "uid-s001", "new@home.cern", Role.SCIENTIST), "username"),
        (NewUser("S100", "Someone", "uid-new", "s001@home.cern", Role.SCIENTIST), "email"),
    ],
)
def test_registering_a_user_that_collides_raises_a_conflict_naming_the_field(
    services: Services, admin: User, new: NewUser, field: str,
) -> None:
    with pytest.raises(DuplicateUser) as raised:
        services.users.create(admin, new)

    assert raised.value.field == field
    assert isinstance(raised.value, Conflict)


def test_an_admin_updates_every_field_of_a_user(services: Services, admin: User, store: InMemoryStore) -> None:
    changes = UserChanges("Peter Higgs", "phiggs@home.cern", username="uid-new", role=Role.ADMIN)
    original = store.users["S001"]

    before, updated = services.users.update(admin, "S001", changes)

    assert before == original
    assert personal_fields(updated) == ("Peter Higgs", "uid-new", "phiggs@home.cern")
    assert updated.role is Role.ADMIN
    assert store.users["S001"] == updated


def test_an_update_without_username_or_role_keeps_both(services: Services, admin: User,
                                                       store: InMemoryStore) -> None:
    _, updated = services.users.update(admin, "S001", UserChanges("Peter Higgs", "phiggs@home.cern"))

    assert (updated.username.reveal(), updated.role) == ("uid-s001", Role.SCIENTIST)
    assert store.users["S001"].username == Personal("uid-s001")


def test_a_scientist_changes_their_own_name_and_email(services: Services, associated_scientist: User,
                                                      store: InMemoryStore) -> None:
    _, updated = services.users.update(associated_scientist, "S001", UserChanges("Peter W. Higgs", "pwh@home.cern"))

    assert personal_fields(store.users["S001"]) == ("Peter W. Higgs", "uid-s001", "pwh@home.cern")
    assert updated == store.users["S001"]


def test_a_scientist_may_resend_their_unchanged_username_and_role(services: Services,
                                                                  associated_scientist: User) -> None:
    changes = UserChanges("Peter Higg", "s001@home.cern", username="uid-s001", role=Role.SCIENTIST)

    _, updated = services.users.update(associated_scientist, "S001", changes)

    assert updated.role is Role.SCIENTIST


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(UserChanges("Peter Higg", "s001@home.cern", username="uid-someone-else"), id="username"),
        pytest.param(UserChanges("Peter Higg", "s001@home.cern", role=Role.ADMIN), id="role"),
    ],
)
def test_a_scientist_cannot_change_their_own_username_or_role(
    services: Services, associated_scientist: User, store: InMemoryStore, changes: UserChanges,
) -> None:
    store_before = store.users["S001"]

    with pytest.raises(Forbidden, match="username or role") as raised:
        services.users.update(associated_scientist, "S001", changes)

    assert not isinstance(raised.value, AdminOnly)
    assert store.users["S001"] == store_before


def test_a_scientist_cannot_update_another_user(services: Services, associated_scientist: User) -> None:
    with pytest.raises(AdminOnly):
        services.users.update(associated_scientist, "S002", UserChanges("Katie", "k@home.cern"))


def test_a_scientist_updating_an_unknown_user_is_refused_like_for_an_existing_one(
    services: Services, associated_scientist: User,
) -> None:
    with pytest.raises(AdminOnly):
        services.users.update(associated_scientist, "X999", UserChanges("Someone", "x@home.cern"))


def test_updating_an_unknown_user_raises_unknown_user(services: Services, admin: User) -> None:
    with pytest.raises(UnknownUser):
        services.users.update(admin, "X999", UserChanges("Someone", "x@home.cern"))


def test_an_erased_user_cannot_be_updated(services: Services, admin: User, store: InMemoryStore) -> None:
    services.users.erase(admin, "S003")

    with pytest.raises(UnknownUser):
        services.users.update(admin, "S003", UserChanges("Back Again", "back@home.cern"))
    assert store.users["S003"].is_erased


def test_an_update_that_collides_with_another_user_raises_a_conflict(services: Services, admin: User) -> None:
    with pytest.raises(DuplicateUser, match="email"):
        services.users.update(admin, "S001", UserChanges("Peter Higg", "s002@home.cern"))


def test_erasure_removes_personal_fields_and_associations_but_keeps_the_id_and_role(
    services: Services, admin: User, store: InMemoryStore,
) -> None:
    before = datetime.now(UTC)

    erased = services.users.erase(admin, "S001")

    assert (erased.user_id, erased.role, personal_fields(erased)) == ("S001", Role.SCIENTIST, (None, None, None))
    assert erased.erased_at is not None
    assert erased.erased_at >= before
    assert personal_fields(store.users["S001"]) == (None, None, None)
    assert store.users["S001"].is_erased
    assert ("S001", 1) not in store.associations


def test_erasing_an_erased_user_again_changes_nothing(services: Services, admin: User,
                                                       store: InMemoryStore) -> None:
    first = services.users.erase(admin, "S003")

    again = services.users.erase(admin, "S003")

    assert again.erased_at == first.erased_at
    assert store.users["S003"] == first


def test_an_admin_cannot_erase_their_own_account(services: Services, admin: User, store: InMemoryStore) -> None:
    with pytest.raises(Conflict, match="cannot erase their own account"):
        services.users.erase(admin, "A001")

    assert not store.users["A001"].is_erased


def test_erasing_an_unknown_user_raises_unknown_user(services: Services, admin: User) -> None:
    with pytest.raises(UnknownUser):
        services.users.erase(admin, "X999")


def test_a_scientist_cannot_erase_even_themself(services: Services, associated_scientist: User,
                                                store: InMemoryStore) -> None:
    with pytest.raises(AdminOnly):
        services.users.erase(associated_scientist, "S001")

    assert not store.users["S001"].is_erased


def test_the_builders_make_erased_users_without_personal_fields() -> None:
    erased = a_user(user_id="S009", erased_at=datetime(2024, 1, 1, tzinfo=UTC))

    assert personal_fields(erased) == (None, None, None)
    assert personal_fields(a_scientist("S009")) == ("User S009", "uid-s009", "s009@home.cern")
