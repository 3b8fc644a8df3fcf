"""Logging that survives fork(): the API server (granian) forks its workers from a master that logs.

A child process inherits every lock as it was at the fork. If a thread of the parent was half-way
through writing a line to stderr, the child's copy of that handler's lock stays held for good and
the child hangs on its first log line. Around each fork the forking thread therefore takes the lock
of each handler `configure_logging` installed; the `logging` module renews them in the child by
itself. Each live spool (`track`) is told of every fork, so that none is mid-commit when the
process forks and the child starts a spool of its own (see `spool`).
"""

from __future__ import annotations

import functools
import logging
import os
import weakref
from typing import Final, Protocol

HANDLER_PREFIX: Final = "mymonit."  # the names of the handlers configure_logging installs

_held: list[logging.Handler] = []


class ForkAware(Protocol):
    def before_fork(self) -> None: ...
    def after_fork_in_parent(self) -> None: ...
    def after_fork_in_child(self) -> None: ...


_tracked: weakref.WeakSet[ForkAware] = weakref.WeakSet()
_forking: list[ForkAware] = []  # those held across the fork under way


def track(spool: ForkAware) -> None:
    _tracked.add(spool)


def untrack(spool: ForkAware) -> None:
    _tracked.discard(spool)


def _spools_before() -> None:
    _forking[:] = list(_tracked)
    for spool in _forking:
        spool.before_fork()


def _spools_after_in_parent() -> None:
    for spool in reversed(_forking):
        spool.after_fork_in_parent()
    _forking.clear()


def _spools_after_in_child() -> None:
    for spool in _forking:
        spool.after_fork_in_child()
    _forking.clear()


# From the first import on: a spool exists only after this module is imported.
os.register_at_fork(before=_spools_before, after_in_parent=_spools_after_in_parent,
                    after_in_child=_spools_after_in_child)


@functools.cache  # once per process: the hooks stay registered for good
def guard_log_handlers_across_fork() -> None:
    os.register_at_fork(before=_before, after_in_parent=_after_in_parent, after_in_child=_after_in_child)


def installed_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if (h.get_name() or "").startswith(HANDLER_PREFIX)]


def _before() -> None:
    _held[:] = installed_handlers()
    for handler in _held:
        handler.acquire()


def _after_in_parent() -> None:
    for handler in reversed(_held):
        handler.release()
    _held.clear()


def _after_in_child() -> None:
    # logging's own fork hook, registered first, has already renewed the handler locks.
    _held.clear()
