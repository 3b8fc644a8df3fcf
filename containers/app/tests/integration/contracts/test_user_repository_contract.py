"""UserRepository (services/ports.py): the fake and MySqlUserRepository keep the same contract.

Ids and emails compare as the column collation does (letter case, accents and trailing blanks do not
count); the checks name the first key that collides, in the table's order: id, uid, email.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mymonit.domain.errors import DuplicateUser
from mymonit.domain.model import Caller, Role, User
from mymonit.domain.personal import Personal
from tests.integration.contracts.contract_world import Storage
from tests.unit.builders import a_scientist, a_user, an_admin

ERASED_AT = datetime(2024, 5, 6, 9, 8, 9, 123_456, tzinfo=timezone(timedelta(hours=2)))  # 07:08:09 UTC


@pytest.fixture
def s001(storage: Storage) -> User:
    user = a_scientist("S001")
    storage.users.add(user)
    return user


def test_a_user_added_is_read_back_by_id_with_every_field(storage: Storage) -> None:
    user = a_user(Role.ADMIN, "A001", name="Ada Admin", username="uid-ada", email="ada@home.cern")

    storage.users.add(user)

    assert storage.users.by_id("A001") == user


def test_an_unknown_id_names_no_user(storage: Storage, s001: User) -> None:
    assert storage.users.by_id("S002") is None
    assert storage.users.by_id(s001.user_id + "0") is None


def test_every_user_is_listed_erased_ones_too_in_the_collations_order_of_ids(storage: Storage) -> None:
    # The collation ignores letter case and puts "_" < "-" < "." < digits < letters.
    for user_id in ("zz", "S1", "S_1", "s2", "S-1", "a001", "S.1", "B001", "S10"):
        storage.users.add(a_scientist(user_id))
    storage.users.erase("S10", ERASED_AT)

    listed = [u.user_id for u in storage.users.all()]

    assert listed == ["a001", "B001", "S_1", "S-1", "S.1", "S1", "S10", "s2", "zz"]


@pytest.mark.parametrize(("field", "newcomer"), [
    ("user_id", a_user(user_id="S001", username="uid-other", email="other@home.cern")),
    ("username", a_user(user_id="S002", username="uid-s001", email="other@home.cern")),
    ("email", a_user(user_id="S002", username="uid-other", email="s001@home.cern")),
    # Ids and emails that differ only in letter case or accents are taken too.
    ("user_id", a_user(user_id="s001", username="uid-other", email="other@home.cern")),
    ("email", a_user(user_id="S002", username="uid-other", email="S001@Home.CERN")),
    ("email", a_user(user_id="S002", username="uid-other", email="s001@hôme.cern")),
])
def test_an_id_uid_or_email_already_taken_is_refused_naming_it_and_nothing_is_stored(
    storage: Storage, s001: User, field: str, newcomer: User,
) -> None:
    with pytest.raises(DuplicateUser) as refused:
        storage.users.add(newcomer)

    assert refused.value.field == field
    assert storage.users.all() == [s001]


def test_an_id_in_other_letter_case_reads_the_user_under_their_own_id(storage: Storage, s001: User) -> None:
    assert storage.users.by_id("s001") == s001


def test_a_uid_that_differs_only_in_letter_case_is_another_firebase_account(storage: Storage, s001: User) -> None:
    other = a_user(user_id="S002", username="UID-S001", email="s002@home.cern")

    storage.users.add(other)

    assert storage.users.caller("UID-S001") == Caller.of(other, ())
    assert storage.users.caller("uid-s001") == Caller.of(s001, ())


def test_a_newcomer_colliding_on_several_keys_is_refused_for_the_first_in_the_tables_order(
    storage: Storage,
) -> None:
    storage.users.add(a_user(user_id="S001", username="uid-1", email="one@home.cern"))
    storage.users.add(a_user(user_id="S002", username="uid-2", email="two@home.cern"))

    with pytest.raises(DuplicateUser) as on_uid:  # S001's email, S002's uid
        storage.users.add(a_user(user_id="S003", username="uid-2", email="one@home.cern"))
    with pytest.raises(DuplicateUser) as on_id:
        storage.users.add(a_user(user_id="S002", username="uid-1", email="one@home.cern"))

    assert (on_uid.value.field, on_id.value.field) == ("username", "user_id")


def test_an_update_replaces_name_email_uid_and_role(storage: Storage, s001: User) -> None:
    storage.users.update("S001", name="Sam New", email="sam@home.cern", username="uid-sam", role=Role.ADMIN)

    updated = User("S001", Personal("Sam New"), Personal("uid-sam"), Personal("sam@home.cern"), Role.ADMIN)
    assert storage.users.by_id("S001") == updated
    assert storage.users.caller("uid-sam") == Caller.of(updated, ())
    assert storage.users.caller(s001.username.reveal() or "") is None


def test_an_update_may_keep_the_users_own_uid_and_email_in_any_letter_case(storage: Storage, s001: User) -> None:
    storage.users.update("S001", name="Renamed", email="S001@HOME.CERN", username="uid-s001", role=Role.SCIENTIST)

    assert storage.users.by_id("S001") == User("S001", Personal("Renamed"), s001.username,
                                               Personal("S001@HOME.CERN"), Role.SCIENTIST)


@pytest.mark.parametrize(("field", "username", "email"), [
    ("username", "uid-s002", "new@home.cern"),
    ("email", "uid-new", "s002@home.cern"),
])
def test_an_update_to_another_users_uid_or_email_is_refused_and_changes_nothing(
    storage: Storage, s001: User, field: str, username: str, email: str,
) -> None:
    s002 = a_scientist("S002")
    storage.users.add(s002)

    with pytest.raises(DuplicateUser) as refused:
        storage.users.update("S001", name="Changed", email=email, username=username, role=Role.ADMIN)

    assert refused.value.field == field
    assert storage.users.all() == [s001, s002]


def test_updating_or_erasing_an_unknown_id_changes_nothing(storage: Storage, s001: User) -> None:
    storage.users.update("X999", name="Ghost", email="s001@home.cern", username="uid-s001", role=Role.ADMIN)
    storage.users.erase("X999", ERASED_AT)

    assert storage.users.all() == [s001]


def test_erasure_clears_the_personal_fields_and_the_associations_and_keeps_the_id_and_role(
    storage: Storage, s001: User,
) -> None:
    experiment = storage.experiments.add("device-vibrations")
    storage.associations.grant("S001", experiment.experiment_id)

    storage.users.erase("S001", ERASED_AT)

    erased = storage.users.by_id("S001")
    assert erased is not None
    assert (erased.name, erased.username, erased.email) == (Personal(None), Personal(None), Personal(None))
    assert (erased.user_id, erased.role, erased.is_erased) == ("S001", Role.SCIENTIST, True)
    assert storage.associations.all() == {experiment.experiment_id: []}
    assert storage.users.caller(s001.username.reveal() or "") is None
    assert storage.users.all() == [erased]


def test_erasure_keeps_the_moment_it_happened(storage: Storage, s001: User) -> None:
    storage.users.erase(s001.user_id, ERASED_AT)

    erased = storage.users.by_id(s001.user_id)
    assert erased is not None
    assert erased.erased_at == ERASED_AT


@pytest.mark.usefixtures("s001")
def test_the_uid_and_email_of_erased_users_are_free_again(storage: Storage) -> None:
    s002 = a_scientist("S002")
    storage.users.add(s002)
    storage.users.erase("S001", ERASED_AT)
    storage.users.erase("S002", ERASED_AT)  # two erased users: no uid, no email, no collision

    successor = a_user(user_id="S003", username="uid-s001", email="s001@home.cern")
    storage.users.add(successor)

    assert storage.users.caller("uid-s001") == Caller.of(successor, ())
    assert [(u.user_id, u.is_erased) for u in storage.users.all()] == [("S001", True), ("S002", True),
                                                                        ("S003", False)]


def test_a_caller_comes_with_their_experiments_in_id_order_under_their_current_names(
    storage: Storage, s001: User,
) -> None:
    first, second, third = (storage.experiments.add(name) for name in ("one", "two", "three"))
    for experiment in (third, first):
        storage.associations.grant("S001", experiment.experiment_id)
    storage.associations.grant("S002", second.experiment_id)  # no such user: nothing granted
    storage.experiments.rename(first.experiment_id, "one-renamed")

    caller = storage.users.caller("uid-s001")

    renamed = type(first)(first.experiment_id, "one-renamed")
    assert caller == Caller.of(s001, (renamed, third))
    assert caller is not None
    assert caller.associated(third.experiment_id) == third
    assert caller.associated(second.experiment_id) is None


def test_a_caller_without_associations_has_no_experiments(storage: Storage) -> None:
    admin = an_admin("A001")
    storage.users.add(admin)

    assert storage.users.caller("uid-a001") == Caller.of(admin, ())


def test_an_unknown_or_erased_uid_names_no_caller(storage: Storage, s001: User) -> None:
    storage.users.add(a_scientist("S002"))
    storage.users.erase("S002", ERASED_AT)

    assert storage.users.caller("uid-nobody") is None
    assert storage.users.caller("uid-s002") is None
    assert storage.users.caller("") is None
    assert storage.users.caller("uid-s001") == Caller.of(s001, ())
