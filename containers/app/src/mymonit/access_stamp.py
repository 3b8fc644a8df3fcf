"""The access stamp: a counter every MyMONIT process of one host shares, moved on each change of who
may read what, so that each process may remember callers until it moves (docs/design.md,
Authentication).

It is eight bytes of a small file mapped into memory: reading it costs no system call, and every
API worker, CLI command and demo loader of the host that names the same database sees the same
counter. A process that cannot use the file (another owner, a symlink, no space) never remembers a
caller: `current()` then moves on every call.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import logging
import mmap
import os
import tempfile
import threading
from pathlib import Path

_SIZE = 8
_log = logging.getLogger(__name__)


def access_stamp_path(host: str, port: int, database: str) -> Path:
    """One file per (OS user, database): processes of other databases never disturb each other."""
    digest = hashlib.sha256(f"{host}:{port}/{database}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"mymonit-access-{os.getuid()}-{digest}"


class FileAccessStamp:
    """`current()` reads the shared counter; `advance()` moves it (under a file lock) after a commit."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._opened = False
        self._fd = -1
        self._map: mmap.mmap | None = None
        self._unusable = itertools.count(1 << 62)

    def current(self) -> int:
        shared = self._mapped()
        if shared is None:
            return next(self._unusable)
        return int.from_bytes(shared[:_SIZE], "little")

    def advance(self) -> None:
        shared = self._mapped()
        if shared is None:
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            value = int.from_bytes(shared[:_SIZE], "little") + 1
            shared[:_SIZE] = (value % (1 << 62)).to_bytes(_SIZE, "little")
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _mapped(self) -> mmap.mmap | None:
        # A forked child keeps the parent's shared mapping, which stays shared: nothing to redo.
        if not self._opened:
            with self._lock:
                if not self._opened:
                    self._map = self._open()
                    self._opened = True
        return self._map

    def _open(self) -> mmap.mmap | None:
        fd = -1
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            status = os.fstat(fd)
            if status.st_uid != os.getuid() or status.st_mode & 0o077:
                raise PermissionError("owned by another user or open to others")
            if status.st_size < _SIZE:
                os.ftruncate(fd, _SIZE)
            shared = mmap.mmap(fd, _SIZE)
        except (OSError, ValueError) as error:
            if fd >= 0:
                os.close(fd)
            _log.warning("access stamp %s unusable (%s): callers are read on every request", self._path, error)
            return None
        self._fd = fd
        return shared
