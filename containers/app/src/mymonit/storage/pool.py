"""A thread-safe connection pool that survives a database restart.

Each borrower gets a connection of its own (never shared across threads). A connection that fails
with a connection-level error is discarded and so is every connection opened before it (they all
talked to the server that went away); the next borrower opens a fresh one. Reads that fail that way
are retried once on a fresh connection by `Database.run`, so one restart costs no request that
arrives after the server is back.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import mysql.connector
from mysql.connector import errorcode
from mysql.connector.abstracts import MySQLConnectionAbstract
from mysql.connector.pooling import PooledMySQLConnection

from mymonit.domain.errors import QueryTooSlow, Unavailable
from mymonit.storage.statements import read_rows, render

log = logging.getLogger(__name__)
T = TypeVar("T")
RawConnection = MySQLConnectionAbstract | PooledMySQLConnection


class Session:
    """One borrowed connection, in autocommit mode.

    Reads go straight through the C extension (`statements.read_rows`) instead of a cursor, which
    would re-scan each statement and convert every row in Python. Reads need no transaction (so no rollback
    round trip afterwards); work that must be atomic over several statements wraps them in
    `transaction()`.
    """

    __slots__ = ("_native", "raw")

    def __init__(self, raw: RawConnection) -> None:
        self.raw = raw
        self._native: Any = cast(Any, raw)._cmysql  # noqa: SLF001  # the C extension's connection (use_pure=False)

    def fetch_all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return read_rows(self._native, sql, params)

    def cursor(self) -> Any:
        return self.raw.cursor()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one statement that returns no rows (committed on its own: the session is in
        autocommit); returns the affected rows.

        It goes straight to the connection: a cursor would ping the server first and scan the
        text for several statements, which costs a round trip and ~10 % of a large insert's time.
        With `params`, its `%s` placeholders are filled as `fetch_all` fills them; without, the
        text goes as it is (the consumer's 100 KB inserts skip the template cache).
        """
        text = render(self._native, sql, params) if params else sql
        status = self.raw.cmd_query(cast(str, text))  # the C extension's cmd_query takes bytes too (StrOrBytes)
        return int(status["affected_rows"])  # type: ignore[index]  # a dict for a statement without rows

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor whose statements commit together when the block ends, or not at all."""
        self.raw.start_transaction()
        cursor = self.raw.cursor()
        try:
            yield cursor
            self.raw.commit()
        finally:
            cursor.close()

    def commit(self) -> None:
        self.raw.commit()

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.in_transaction)

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()


Connection = Session

# Server error codes that mean "this connection is gone", not "this statement is wrong".
_LOST_CONNECTION = {
    errorcode.CR_SERVER_GONE_ERROR,
    errorcode.CR_SERVER_LOST,
    errorcode.CR_CONNECTION_ERROR,
    errorcode.CR_CONN_HOST_ERROR,
    errorcode.ER_SERVER_SHUTDOWN,
    errorcode.ER_CON_COUNT_ERROR,
    1927,  # ER_CONNECTION_KILLED (MariaDB)
    4031,  # ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
}
_STATEMENT_TIMEOUT = 1969  # ER_STATEMENT_TIMEOUT (MariaDB): max_statement_time exceeded


def is_connection_error(error: BaseException) -> bool:
    """True when the error says the connection or server is gone (worth a reconnect)."""
    if isinstance(error, mysql.connector.InterfaceError):
        return True
    if isinstance(error, mysql.connector.Error):
        return error.errno in _LOST_CONNECTION or error.errno is None or error.errno < 0
    return isinstance(error, (ConnectionError, OSError))


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
    connection: Connection
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
                _rollback_or_drop(pooled, self)
                raise
            else:
                _rollback_or_drop(pooled, self)
        finally:
            self._slots.release()

    def close(self) -> None:
        self.invalidate()
        while not self._idle.empty():
            _close_quietly(self._idle.get_nowait().connection)

    def _give_back(self, pooled: _Pooled) -> None:
        if pooled.generation == self._generation:
            self._idle.put(pooled)
        else:
            _close_quietly(pooled.connection)


def _rollback_or_drop(pooled: _Pooled, pool: ConnectionPool) -> None:
    try:
        if pooled.connection.in_transaction:
            pooled.connection.rollback()
    except mysql.connector.Error:
        pool.invalidate()
        _close_quietly(pooled.connection)
        return
    pool._give_back(pooled)  # noqa: SLF001  # module-private helper of the pool


def _close_quietly(connection: Session) -> None:
    try:
        connection.close()
    except Exception:  # closing a dead connection may fail in many ways
        log.debug("closing a dead database connection failed", exc_info=True)


class Database:
    """Runs units of work on pooled connections; maps a lost connection to `Unavailable` and a
    statement stopped at max_statement_time to `QueryTooSlow`."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def run(self, work: Callable[[Connection], T], *, retry: bool = True) -> T:
        """Run `work(connection)`; a lost connection is retried once on a fresh one if `retry`.

        Only idempotent work (reads, or writes inside one transaction that `work` commits) may be
        retried. Raises `Unavailable` when the server cannot be reached.
        """
        attempts = 2 if retry else 1
        for attempt in range(attempts):
            try:
                with self._pool.borrow() as connection:
                    return work(connection)
            except Unavailable:
                if attempt + 1 == attempts:
                    raise
            except (mysql.connector.Error, OSError) as error:
                if not is_connection_error(error):
                    self._raise_if_too_slow(error)
                    raise
                log.warning("database connection lost (%s); %s", error,
                            "retrying" if attempt + 1 < attempts else "giving up")
                if attempt + 1 == attempts:
                    raise Unavailable("database connection lost") from error
        raise AssertionError("unreachable")

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection for work that streams (no retry: the caller consumes rows)."""
        try:
            with self._pool.borrow() as connection:
                yield connection
        except (mysql.connector.Error, OSError) as error:
            if is_connection_error(error):
                raise Unavailable("database connection lost") from error
            self._raise_if_too_slow(error)
            raise

    def _raise_if_too_slow(self, error: mysql.connector.Error | OSError) -> None:
        """MariaDB stopped the statement at max_statement_time: the caller asked for too much at once."""
        if isinstance(error, mysql.connector.Error) and error.errno == _STATEMENT_TIMEOUT:
            raise QueryTooSlow(self._pool.statement_seconds) from error

    def ping(self) -> bool:
        def _ping(connection: Connection) -> bool:
            connection.fetch_all("SELECT 1")
            return True

        try:
            return self.run(_ping)
        except Unavailable:
            return False

    def close(self) -> None:
        self._pool.close()


def fetch_all(connection: Session, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return connection.fetch_all(sql, params)
