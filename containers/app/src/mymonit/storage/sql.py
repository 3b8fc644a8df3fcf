"""Small helpers shared by the repositories."""

from __future__ import annotations

import mysql.connector
from mysql.connector import errorcode


def duplicate_key(error: mysql.connector.Error) -> str | None:
    """The name of the UNIQUE key a failed insert/update collided with, else None."""
    if error.errno != errorcode.ER_DUP_ENTRY:
        return None
    message = str(error.msg or "")
    return message.rsplit("key ", 1)[-1].strip("'` ").rsplit(".", 1)[-1]
