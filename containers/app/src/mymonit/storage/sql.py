"""Small helpers shared by the repositories."""

from __future__ import annotations

from typing import Any

import mysql.connector
from mysql.connector import errorcode

from mymonit.storage.pool import Connection


def execute(connection: Connection, sql: str, params: tuple[Any, ...] = ()) -> int:
    """Run one statement (committed on its own: sessions are in autocommit); returns the affected row count."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def duplicate_key(error: mysql.connector.Error) -> str | None:
    """The name of the UNIQUE key a failed insert/update collided with, else None."""
    if error.errno != errorcode.ER_DUP_ENTRY:
        return None
    message = str(error.msg or "")
    return message.rsplit("key ", 1)[-1].strip("'` ").rsplit(".", 1)[-1]
