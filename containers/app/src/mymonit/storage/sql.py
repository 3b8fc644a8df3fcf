"""Small helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import mysql.connector
from mysql.connector import errorcode

T = TypeVar("T")


def duplicate_key(error: mysql.connector.Error) -> str | None:
    """The name of the UNIQUE key a failed insert/update collided with, else None."""
    if error.errno != errorcode.ER_DUP_ENTRY:
        return None
    message = str(error.msg or "")
    return message.rsplit("key ", 1)[-1].strip("'` ").rsplit(".", 1)[-1]


def to_db(moment: datetime) -> datetime:
    """The naive UTC a DATETIME column holds (every connection's time zone is UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(moment: datetime) -> datetime:
    """The aware UTC time of a DATETIME column's value."""
    return moment.replace(tzinfo=UTC)


def placeholders(count: int) -> str:
    """`%s,%s,…` for an IN list of `count` values."""
    return ",".join(["%s"] * count)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`, in order."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
