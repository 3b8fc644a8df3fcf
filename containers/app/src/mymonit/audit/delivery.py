"""The Logstash handler and its background worker: spooled and shared between processes.

`emit` formats a record and puts it on an in-memory queue; one worker thread per process writes
the queue into the SQLite spool (`ClaimingSpool`) and sends claimed batches over TCP, so neither
a slow nor an absent Logstash ever blocks the caller. A forked child starts a worker of its own
on its first record (see `forking` for what else a fork needs).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

from logstash_async.constants import constants
from logstash_async.database import DatabaseDiskIOError, DatabaseLockedError
from logstash_async.handler import AsynchronousLogstashHandler
from logstash_async.worker import LogProcessingWorker

from mymonit.audit.spool import ClaimingSpool

WARNING_INTERVAL: Final = 60.0  # seconds between two "cannot send" warnings of one process


class SpoolingWorker(LogProcessingWorker):  # type: ignore[misc]  # the base class is untyped
    """The library's worker with the claiming spool, a setup that survives a busy spool file, and
    its "cannot send" warnings throttled to one per `WARNING_INTERVAL` (a Logstash outage would
    otherwise log one every flush interval, in every process).
    """

    def _setup_logger(self) -> None:
        super()._setup_logger()
        for stale in [f for f in self._logger.filters if isinstance(f, _Throttle)]:
            self._logger.removeFilter(stale)  # a previous worker's: this one starts afresh
        self._logger.addFilter(_Throttle(WARNING_INTERVAL))

    def _setup_database(self) -> None:
        """Open the spool, waiting while another process holds it (the base class would let the
        thread die, and the events already queued for it with it)."""
        self._database = ClaimingSpool(self._database_path, self._event_ttl)
        self._non_flushed_event_count = 0
        while True:
            try:
                self._non_flushed_event_count = self._database.get_non_flushed_event_count()
                return
            except (DatabaseLockedError, DatabaseDiskIOError):
                if self._shutdown_event.wait(constants.QUEUE_CHECK_INTERVAL):
                    return  # shutting down: the loop still flushes what it can


WORKER_LOGGER: Final = SpoolingWorker.__name__  # the worker logs under its thread name, its class name


class SpoolingLogstashHandler(AsynchronousLogstashHandler):  # type: ignore[misc]  # the base class is untyped
    """`AsynchronousLogstashHandler` with a `SpoolingWorker`."""

    def _start_worker_thread(self) -> None:
        if self._worker_thread_is_running():
            return
        worker = SpoolingWorker(**self._worker_arguments())
        # The base class reads the worker from its own class attribute: one worker per process.
        AsynchronousLogstashHandler._worker_thread = worker  # noqa: SLF001
        worker.start()

    def _worker_arguments(self) -> dict[str, Any]:
        return {
            "host": self._host,
            "port": self._port,
            "transport": self._transport,
            "ssl_enable": self._ssl_enable,
            "ssl_verify": self._ssl_verify,
            "ssl_verify_flags": self._ssl_verify_flags,
            "keyfile": self._keyfile,
            "certfile": self._certfile,
            "ca_certs": self._ca_certs,
            "database_path": self._database_path,
            "cache": None,
            "event_ttl": self._event_ttl,
        }

    def forget_inherited_socket(self) -> None:
        """In a forked child: drop the socket the parent may have been sending on (closed here,
        never shut down, which would cut the parent's connection)."""
        sock = getattr(self._transport, "_sock", None)
        if sock is not None:
            sock.close()  # this process's descriptor only; the parent's connection stays up
            self._transport._sock = None  # noqa: SLF001  # the transport has no public reset


class _Throttle(logging.Filter):
    """Lets a WARNING or worse through at most once per `interval` seconds; others always pass."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self._interval = interval
        self._last = -interval

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        now = time.monotonic()
        if now - self._last < self._interval:
            return False
        self._last = now
        return True
