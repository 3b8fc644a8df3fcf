"""Log handlers that survive fork(): the API server (granian) forks its workers from a master that logs.

A child process inherits every lock as it was at the fork. If a thread of the parent was half-way
through writing a line to stderr, the child's copy of that handler's lock stays held for good and
the child hangs on its first log line. Around each fork the forking thread therefore takes the lock
of each handler `configure_logging` installed; the `logging` module renews them in the child by
itself.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Final

HANDLER_PREFIX: Final = "mymonit."  # the names of the handlers configure_logging installs

_held: list[logging.Handler] = []


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
