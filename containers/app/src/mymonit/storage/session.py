"""One borrowed database connection (`Session`), in autocommit mode, read through the C extension."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from mysql.connector.abstracts import MySQLConnectionAbstract
from mysql.connector.pooling import PooledMySQLConnection

from mymonit.storage.statements import read_rows, render

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
