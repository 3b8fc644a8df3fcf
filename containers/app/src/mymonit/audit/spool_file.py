"""One spool file: a SQLite database in WAL mode holding the records one process wrote.

A spool directory holds, per writing process, `NAME.spool` (with SQLite's `-wal` and `-shm`) and
`NAME.lock`. The writer creates and `flock`s the lock file *before* it creates the database, and
holds that lock for as long as it lives; the kernel releases it when the process ends, however it
ends. So a shipper that can take the lock knows the writer is gone and the file is its own to
drain and remove (docs/audit.md, "Spool and shipper").

Rows are `(seq, durable, body)`: `seq` grows for the life of the file (AUTOINCREMENT: never
reused, even after the shipper has deleted every row), `body` is the JSON document as it will
be sent, `durable` says whether it is an audit event (1) or an ordinary log line (0).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

SPOOL_SUFFIX: Final = ".spool"
LOCK_SUFFIX: Final = ".lock"
_SIDE_FILES: Final = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT: Final = 10.0  # seconds a writer or the shipper waits for the other's transaction
_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS record ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, durable INTEGER NOT NULL, body TEXT NOT NULL)"
)


class Sync(StrEnum):
    """How far a commit goes before it counts (SQLite's `synchronous` in WAL mode)."""

    PROCESS = "process"  # in the operating system's cache: survives a crash or kill -9 of the process
    POWER = "power"  # fsync'd: survives a power loss too, at the cost of one fsync per commit


_SYNCHRONOUS: Final = {Sync.PROCESS: "NORMAL", Sync.POWER: "FULL"}


@dataclass(frozen=True)
class Row:
    seq: int
    body: str


def spool_path(directory: Path, name: str) -> Path:
    return directory / f"{name}{SPOOL_SUFFIX}"


def lock_path(spool: Path) -> Path:
    return spool.with_suffix(LOCK_SUFFIX)


def connect(path: Path, sync: Sync = Sync.PROCESS, *, create: bool = True) -> sqlite3.Connection:
    """Open a spool database in WAL mode, in autocommit mode; `create=False`: only one that exists.

    `check_same_thread=False`: the owner serialises every use with its own lock.
    """
    if create:  # readable by this user only; SQLite gives its -wal and -shm files the same mode
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    target = path.as_uri() + ("" if create else "?mode=rw")
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False,
                                 uri=True)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={_SYNCHRONOUS[sync]}")
    connection.execute(_SCHEMA)
    return connection


def insert(connection: sqlite3.Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Write `(durable, body)` rows in one transaction: committed, or not at all."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany("INSERT INTO record (durable, body) VALUES (?, ?)", rows)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def oldest(connection: sqlite3.Connection, limit: int) -> list[Row]:
    rows = connection.execute("SELECT seq, body FROM record ORDER BY seq LIMIT ?", (limit,)).fetchall()
    return [Row(int(seq), str(body)) for seq, body in rows]


def delete_through(connection: sqlite3.Connection, seq: int) -> None:
    """Delete every row up to and including `seq` (they have been acknowledged)."""
    connection.execute("DELETE FROM record WHERE seq <= ?", (seq,))


def count(connection: sqlite3.Connection) -> int:
    (rows,) = connection.execute("SELECT COUNT(*) FROM record").fetchone()
    return int(rows)


def hold_lock(path: Path) -> int | None:
    """Open and `flock` the lock file, without waiting; the descriptor, or None if someone holds it.

    The descriptor is close-on-exec (Python's default), so a program the holder execs never keeps
    the lock; a forked child must close its inherited copy itself (see `spool`).
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_lock(path: Path) -> int:
    """Create a new lock file and hold it (a writer's first step; the name must be new)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def remove(spool: Path) -> None:
    """Delete a drained spool: the database and its side files first, the lock file last."""
    for path in [spool, *(spool.with_name(spool.name + side) for side in _SIDE_FILES), lock_path(spool)]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
