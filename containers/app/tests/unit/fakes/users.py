"""The fake of `services.ports.UserRepository`, held to MySqlUserRepository by
tests/integration/contracts/test_user_repository_contract.py."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from mymonit.domain.errors import DuplicateUser
from mymonit.domain.model import Caller, Role, User
from mymonit.domain.personal import Personal
from tests.unit.fakes.store import InMemoryStore, collated, folded, same_user_id


class FakeUserRepository:
    """Ids and emails compare as the database's collation does (case, accents and trailing blanks
    ignored); uids compare exactly, as Firebase compares them."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def by_id(self, user_id: str) -> User | None:
        key = self._key(user_id)
        return None if key is None else self._store.users[key]

    def caller(self, username: str) -> Caller | None:
        user = next((u for u in self._store.users.values()
                     if not u.is_erased and u.username.reveal() == username), None)
        if user is None:
            return None
        granted = {e for u, e in self._store.associations if same_user_id(u, user.user_id)}
        experiments = tuple(e for i, e in sorted(self._store.experiments.items()) if i in granted)
        return Caller.of(user, experiments)

    def all(self) -> list[User]:
        return sorted(self._store.users.values(), key=lambda u: collated(u.user_id))

    def add(self, user: User) -> None:
        if self._key(user.user_id) is not None:
            raise DuplicateUser("user_id")
        self._refuse_collisions(None, user.username.reveal(), user.email.reveal())
        self._store.users[user.user_id] = user

    def update(self, user_id: str, *, name: str, email: str, username: str, role: Role) -> None:
        key = self._key(user_id)
        if key is None:
            return  # an UPDATE that matches no row changes nothing
        self._refuse_collisions(key, username, email)
        self._store.users[key] = dataclasses.replace(
            self._store.users[key], name=Personal(name), email=Personal(email), username=Personal(username),
            role=role)

    def erase(self, user_id: str, at: datetime) -> None:
        key = self._key(user_id)
        if key is None:
            return
        self._store.users[key] = dataclasses.replace(
            self._store.users[key], name=Personal(None), username=Personal(None), email=Personal(None),
            erased_at=at)
        self._store.associations = {(u, e) for u, e in self._store.associations if not same_user_id(u, key)}

    def _key(self, user_id: str) -> str | None:
        """The stored id that `user_id` names, if any."""
        if user_id in self._store.users:
            return user_id
        return next((k for k in self._store.users if same_user_id(k, user_id)), None)

    def _refuse_collisions(self, own_key: str | None, username: str | None, email: str | None) -> None:
        """Like the unique keys, checked in the table's order: every username before any email."""
        others = [u for k, u in self._store.users.items() if k != own_key]
        if username is not None and any(o.username.reveal() == username for o in others):
            raise DuplicateUser("username")
        if email is not None and any(_folded_or_none(o.email.reveal()) == folded(email) for o in others):
            raise DuplicateUser("email")


def _folded_or_none(text: str | None) -> str | None:
    return None if text is None else folded(text)
