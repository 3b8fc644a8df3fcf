"""Spools that survive fork(): each live spool (`track`) is told of every fork of its process.

Around a fork no spool is mid-commit, and the child starts a spool of its own (see `spool`): the
API server (granian) forks its workers from a master that logs.
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol


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
