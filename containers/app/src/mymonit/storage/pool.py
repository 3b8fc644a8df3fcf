"""A thread-safe connection pool that survives a database restart.

Each borrower gets a connection of its own (never shared across threads). A connection that fails
with a connection-level error is discarded and so is every connection opened before it (they all
talked to the server that went away); the next borrower opens a fresh one. `database.Database`
retries reads that fail that way once, on such a fresh connection.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import mysql.connector

from mymonit.domain.errors import Unavailable
from mymonit.storage.connection_errors import is_connection_error
from mymonit.storage.session import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    host: str
    port: int
    user: str
    password: str
    database: str
    connect_timeout: float = 5.0
    statement_seconds: float = 0.0  # max_statement_time of every statement on the connection; 0: none

    def __repr__(self) -> str:
        return f"ConnectionSettings({self.user}@{self.host}:{self.port}/{self.database})"


@dataclass(slots=True)
class _Pooled:
    connection: Session
    generation: int


class ConnectionPool:
    """At most `size` connections; `borrow()` blocks up to `timeout` seconds for a free one."""

    def __init__(self, settings: ConnectionSettings, size: int = 8, timeout: float = 10.0) -> None:
        self._settings = settings
        self._timeout = timeout
        self._idle: queue.LifoQueue[_Pooled] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._generation = 0
        self._lock = threading.Lock()

    def _open(self) -> _Pooled:
        s = self._settings
        try:
            connection = mysql.connector.connect(
                host=s.host, port=s.port, user=s.user, password=s.password,
                database=s.database or None, connection_timeout=int(s.connect_timeout),
                use_pure=False, autocommit=True, charset="utf8mb4",
                collation="utf8mb4_unicode_ci", time_zone="+00:00",
            )
        except mysql.connector.Error as error:
            raise Unavailable(f"database unreachable: {error.msg or error}") from error
        session = Session(connection)
        if s.statement_seconds > 0:
            try:
                session.execute("SET SESSION max_statement_time = %s", (s.statement_seconds,))
            except mysql.connector.Error as error:
                _close_quietly(session)
                raise Unavailable(f"database unreachable: {error.msg or error}") from error
        return _Pooled(session, self._generation)

    def _take(self) -> _Pooled:
        while True:
            try:
                pooled = self._idle.get_nowait()
            except queue.Empty:
                return self._open()
            if pooled.generation == self._generation:
                return pooled
            _close_quietly(pooled.connection)

    @property
    def statement_seconds(self) -> float:
        return self._settings.statement_seconds

    def invalidate(self) -> None:
        """Forget every connection opened so far (called when one of them found the server gone)."""
        with self._lock:
            self._generation += 1

    @contextmanager
    def borrow(self) -> Iterator[Session]:
        """A connection for this thread alone; returned to the pool afterwards (rolled back if a
        transaction was left open)."""
        if not self._slots.acquire(timeout=self._timeout):
            raise Unavailable("no database connection free; the service is overloaded")
        try:
            pooled = self._take()
            try:
                yield pooled.connection
            except BaseException as error:
                if is_connection_error(error):
                    self.invalidate()
                    _close_quietly(pooled.connection)
                    raise
                self._rollback_or_drop(pooled)
                raise
            else:
                self._rollback_or_drop(pooled)
        finally:
            self._slots.release()

    def close(self) -> None:
        self.invalidate()
        while not self._idle.empty():
            _close_quietly(self._idle.get_nowait().connection)

    def _rollback_or_drop(self, pooled: _Pooled) -> None:
        try:
            if pooled.connection.in_transaction:
                pooled.connection.rollback()
        except mysql.connector.Error:
            self.invalidate()
            _close_quietly(pooled.connection)
            return
        self._give_back(pooled)

    def _give_back(self, pooled: _Pooled) -> None:
        if pooled.generation == self._generation:
            self._idle.put(pooled)
        else:
            _close_quietly(pooled.connection)


def _close_quietly(connection: Session) -> None:
    try:
        connection.close()
    except Exception:  # closing a dead connection may fail in many ways
        log.debug("closing a dead database connection failed", exc_info=True)
