"""Reads straight through mysql-connector's C extension: one round trip, no cursor.

A `CMySQLCursor.execute` pings nothing but still re-encodes the text, scans it for several
statements and converts each row in Python; for the small, hot reads of every request (the
caller with their associations, a page) that is about half the client's CPU. Here the statement's
`%s` placeholders are filled with the C extension's own quoting (`convert_to_mysql`, the same the
cursor uses) and the rows come back as the C extension converts them.
"""

from __future__ import annotations

import functools
from typing import Any

from _mysql_connector import MySQLInterfaceError  # type: ignore[import-not-found]  # the C extension, no stubs
from mysql.connector.errors import InterfaceError, ProgrammingError, get_mysql_exception

Row = tuple[Any, ...]


@functools.lru_cache(maxsize=512)  # the statements there are: fixed texts and their few WHERE variants
def _template(sql: str) -> tuple[bytes, ...]:
    return tuple(sql.encode("utf-8").split(b"%s"))


def render(native: Any, sql: str, params: tuple[Any, ...]) -> bytes:
    """The statement with every `%s` replaced by its quoted, escaped parameter."""
    parts = _template(sql)
    if len(parts) != len(params) + 1:
        raise ProgrammingError(f"the statement has {len(parts) - 1} placeholders for {len(params)} parameters")
    if not params:
        return parts[0]
    pieces = [parts[0]]
    for value, text in zip(native.convert_to_mysql(*params), parts[1:], strict=True):
        pieces += (value, text)
    return b"".join(pieces)


def read_rows(native: Any, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    """Run one statement on the C extension's connection `native`; its rows (none for a statement
    without a result). Server and connection errors raise the connector's usual exceptions."""
    try:
        native.query(render(native, sql, params))
        if not native.have_result_set:
            return []
        try:
            return list(iter(native.fetch_row, None))
        finally:
            native.free_result()
    except MySQLInterfaceError as error:
        errno = getattr(error, "errno", None)
        if errno is None:
            raise InterfaceError(str(error)) from error
        raise get_mysql_exception(errno, msg=error.msg, sqlstate=error.sqlstate) from error
