"""User management: ADMINs manage everyone, a user may edit their own name and email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from mymonit.domain.errors import AdminOnly, Conflict, Forbidden, UnknownUser, UnregisteredUser
from mymonit.domain.model import Caller, Role, User
from mymonit.domain.personal import Personal
from mymonit.services.access import require_admin
from mymonit.services.callers import RememberedCallers
from mymonit.services.ports import AccessStamp, UserRepository


@dataclass(frozen=True, slots=True)
class NewUser:
    user_id: str
    name: str
    username: str
    email: str
    role: Role


@dataclass(frozen=True, slots=True)
class UserChanges:
    name: str
    email: str
    username: str | None = None
    role: Role | None = None


class UserService:
    """`caller_ttl`: how long a caller may be remembered at most (see `RememberedCallers`)."""

    def __init__(self, users: UserRepository, stamp: AccessStamp, caller_ttl: float = 0.0) -> None:
        self._users = users
        self._stamp = stamp
        self._callers = RememberedCallers(users, stamp, caller_ttl)

    def resolve(self, uid: str) -> Caller:
        """The registered, not erased user of a verified Firebase uid, with their associations;
        raises `UnregisteredUser`."""
        caller = self._callers.caller(uid)
        if caller is None:
            raise UnregisteredUser
        return caller

    def all_users(self, actor: User) -> list[User]:
        require_admin(actor)
        return self._users.all()

    def get(self, actor: User, user_id: str) -> User:
        if not actor.is_admin and actor.user_id != user_id:
            raise AdminOnly
        return self._existing(user_id)

    def create(self, actor: User, new: NewUser) -> User:
        require_admin(actor)
        user = User(new.user_id, Personal(new.name), Personal(new.username), Personal(new.email), new.role)
        self._users.add(user)
        self._stamp.advance()
        return user

    def update(self, actor: User, user_id: str, changes: UserChanges) -> tuple[User, User]:
        """ADMIN: every field. The user themself: name and email; changing uid or role is refused.

        Returns the user before and after the change.
        """
        if not actor.is_admin and actor.user_id != user_id:
            raise AdminOnly  # before any lookup, so the answer reveals nothing about other ids
        current = self._existing(user_id)
        if current.is_erased:
            raise UnknownUser(user_id)
        if not actor.is_admin and _changes_identity(current, changes):
            raise Forbidden("only an ADMIN may change a user's username or role")
        if actor.user_id == user_id and changes.role not in (None, current.role):
            raise Conflict("an ADMIN cannot change their own role; ask another ADMIN")
        username = changes.username or current.username.reveal() or ""
        role = changes.role or current.role
        self._users.update(user_id, name=changes.name, email=changes.email, username=username, role=role)
        self._stamp.advance()
        return current, User(user_id, Personal(changes.name), Personal(username), Personal(changes.email), role)

    def erase(self, actor: User, user_id: str) -> User:
        """GDPR erasure: personal fields and associations removed; the id stays for the audit trail."""
        require_admin(actor)
        if actor.user_id == user_id:
            raise Conflict("an ADMIN cannot erase their own account; ask another ADMIN")
        current = self._existing(user_id)
        if current.is_erased:
            return current
        at = datetime.now(UTC)
        self._users.erase(user_id, at)
        self._stamp.advance()
        return User(user_id, Personal(None), Personal(None), Personal(None), current.role, at)

    def _existing(self, user_id: str) -> User:
        user = self._users.by_id(user_id)
        if user is None:
            raise UnknownUser(user_id)
        return user



def _changes_identity(current: User, changes: UserChanges) -> bool:
    username_changed = changes.username is not None and changes.username != current.username.reveal()
    role_changed = changes.role is not None and changes.role is not current.role
    return username_changed or role_changed
