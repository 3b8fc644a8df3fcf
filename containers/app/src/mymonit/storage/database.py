"""Units of work on pooled connections: a lost connection is retried once on a fresh one, then
mapped to `Unavailable`; a statement stopped at max_statement_time becomes `QueryTooSlow`.

One restart of the server so costs no request that arrives after it is back (see `pool`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import mysql.connector

from mymonit.domain.errors import QueryTooSlow, Unavailable
from mymonit.storage.connection_errors import is_connection_error, is_statement_timeout
from mymonit.storage.pool import ConnectionPool
from mymonit.storage.session import Connection

log = logging.getLogger(__name__)
T = TypeVar("T")


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
        if is_statement_timeout(error):
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
