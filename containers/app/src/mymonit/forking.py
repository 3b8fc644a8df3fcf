"""Forking next to a consumer thread: `mymonit run` forks granian workers from the consumer's process.

A child inherits every lock as it was at the fork. OpenSSL takes process-wide locks during a TLS
handshake, and the database driver's C library during a connect, so a worker forked while the
consumer was connecting (to the broker over amqps, or to MariaDB) could hang for good on its own
first connection: the broker probe and the database ping of /health did. The consumer and the
connection pool connect while holding `CONNECTING`; once `guard_connects_across_fork()` ran, every
fork of the process waits for the connect in progress.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Final

CONNECTING: Final = threading.Lock()


@functools.cache  # once per process: the hooks stay registered for good
def guard_connects_across_fork() -> None:
    os.register_at_fork(before=CONNECTING.acquire, after_in_parent=CONNECTING.release,
                        after_in_child=CONNECTING.release)
