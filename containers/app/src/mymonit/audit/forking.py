"""Logging that survives fork(): the API server (granian) forks its workers from a master that logs.

A child process inherits every lock as it was at the fork. If a thread of the parent held one
(the Logstash worker inside the SQLite spool, or any thread half-way through writing a line to
stderr), the child's copy stays held for good and the child hangs on its first spool access or
log line. Around each fork the forking thread therefore takes the spool lock and the lock of
each handler `configure_logging` installed, so no spool connection is open and no line is half
written; the `logging` module renews the handler locks in the child by itself. The child's
Logstash handlers also forget the socket the parent may have been sending on.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Final

from mymonit.audit.delivery import SpoolingLogstashHandler
from mymonit.audit.spool import SPOOL_LOCK

HANDLER_PREFIX: Final = "mymonit."  # the names of the handlers configure_logging installs

_held: list[logging.Handler] = []


@functools.cache  # once per process: the hooks stay registered for good
def install_fork_guard() -> None:
    os.register_at_fork(before=_before, after_in_parent=_after_in_parent, after_in_child=_after_in_child)


def installed_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if (h.get_name() or "").startswith(HANDLER_PREFIX)]


def _before() -> None:
    SPOOL_LOCK.acquire()
    _held[:] = installed_handlers()
    for handler in _held:
        handler.acquire()


def _after_in_parent() -> None:
    for handler in reversed(_held):
        handler.release()
    _held.clear()
    SPOOL_LOCK.release()


def _after_in_child() -> None:
    # logging's own fork hook, registered first, has already renewed the handler locks.
    _held.clear()
    SPOOL_LOCK.release()
    for handler in installed_handlers():
        if isinstance(handler, SpoolingLogstashHandler):
            handler.forget_inherited_socket()
