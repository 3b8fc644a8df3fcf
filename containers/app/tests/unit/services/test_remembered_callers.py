"""RememberedCallers: a caller is read once, and read again as soon as the stamp moves or ttl passes."""

from __future__ import annotations

from mymonit.domain.model import Caller
from mymonit.services.callers import RememberedCallers
from tests.unit.builders import a_store
from tests.unit.fakes import FakeAccessStamp, FakeClock, FakeUserRepository, InMemoryStore


class CountingUsers(FakeUserRepository):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__(store)
        self.reads = 0

    def caller(self, username: str) -> Caller | None:
        self.reads += 1
        return super().caller(username)


def remembered(ttl: float = 30.0) -> tuple[RememberedCallers, CountingUsers, FakeAccessStamp, FakeClock]:
    users, stamp, clock = CountingUsers(a_store()), FakeAccessStamp(), FakeClock()
    return RememberedCallers(users, stamp, ttl, clock), users, stamp, clock


def test_a_caller_is_read_once_while_the_stamp_stays() -> None:
    callers, users, _, _ = remembered()

    first, second = callers.caller("uid-s001"), callers.caller("uid-s001")

    assert first is not None
    assert (second, users.reads) == (first, 1)


def test_a_moved_stamp_reads_the_caller_again() -> None:
    callers, users, stamp, _ = remembered()
    callers.caller("uid-s001")

    stamp.advance()
    callers.caller("uid-s001")

    assert users.reads == 2


def test_ttl_bounds_how_long_a_caller_is_kept_whatever_the_stamp() -> None:
    callers, users, _, clock = remembered(ttl=30.0)
    callers.caller("uid-s001")

    clock.advance(29.9)
    callers.caller("uid-s001")
    clock.advance(0.2)
    callers.caller("uid-s001")

    assert users.reads == 2


def test_ttl_zero_remembers_nothing() -> None:
    callers, users, _, _ = remembered(ttl=0.0)

    for _ in range(3):
        callers.caller("uid-s001")

    assert users.reads == 3


def test_an_unregistered_uid_is_remembered_as_none_until_the_stamp_moves() -> None:
    callers, users, stamp, _ = remembered()

    assert (callers.caller("uid-nobody"), callers.caller("uid-nobody"), users.reads) == (None, None, 1)
    stamp.advance()
    callers.caller("uid-nobody")
    assert users.reads == 2


class ChangedWhileRead(CountingUsers):
    """A change commits (and the stamp moves) while the caller is being read."""

    def __init__(self, store: InMemoryStore, stamp: FakeAccessStamp) -> None:
        super().__init__(store)
        self.stamp = stamp

    def caller(self, username: str) -> Caller | None:
        found = super().caller(username)
        if self.reads == 1:
            self.stamp.advance()
        return found


def test_a_change_during_the_read_leaves_what_was_read_stale() -> None:
    stamp = FakeAccessStamp()
    users = ChangedWhileRead(a_store(), stamp)
    callers = RememberedCallers(users, stamp, 30.0, FakeClock())

    callers.caller("uid-s001")
    callers.caller("uid-s001")

    assert users.reads == 2
