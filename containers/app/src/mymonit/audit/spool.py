"""The process's own spool: every record appended to a lane of its own before `write` returns.

Each process writes one lane (see `spool_file`), created on its first record. `write` appends the
record's line with one `write(2)` under a lock, so when it returns the record is in the
operating system's cache: it survives a kill -9 or any other crash of the process. The response
or the ack that an audit event describes never goes out before that. With `Sync.POWER` a
durable record also waits for an `fdatasync`, grouped: the thread that finds no sync running
syncs for everyone who wrote before it.

A write that fails (disk full, directory gone) leaves no torn line; an audit event is then held
in memory (at most `MAX_HELD_EVENTS`) and written before the next record, an ordinary log line
is dropped and counted, and the failure is reported on stderr (docs/audit.md). A forked child
gets a lane, descriptors and lock of its own (`spool_forks.track`, and a pid check for forks that
bypass the hooks).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sys
import threading
import time
from collections import deque
from enum import StrEnum
from pathlib import Path
from typing import Final

from mymonit.audit import spool_file, spool_forks

MAX_HELD_EVENTS: Final = 100_000  # audit events kept in memory while writes fail, at most
_REPORT_SECONDS: Final = 10.0  # between two reports of failing writes


class Sync(StrEnum):
    """When a written audit event counts (AUDIT_SPOOL_SYNC)."""

    PROCESS = "process"  # in the operating system's cache: survives any crash of the process
    POWER = "power"  # fdatasync'd: survives a power loss too, at the cost of a sync per event


class ProcessSpool:
    """The spool of this process in `directory`; thread-safe and fork-safe."""

    def __init__(self, directory: Path, sync: Sync = Sync.PROCESS,
                 segment_bytes: int = spool_file.SEGMENT_BYTES) -> None:
        self._directory = directory
        self._sync = sync
        self._segment_bytes = segment_bytes
        self._closed = False
        self.dropped_lines = 0
        self._start()
        spool_forks.track(self)

    def _start(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()  # held while appending; a fork waits for it
        self._synced = threading.Condition()
        self._lane: str | None = None
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._segment = self._offset = 0
        self._written = self._synced_upto = 0  # bytes, over the lane's life
        self._syncing = False
        self._held: deque[bytes] = deque()  # audit events a failed write left, oldest first
        self._reported = -_REPORT_SECONDS

    @property
    def path(self) -> Path | None:
        """The segment being written, once anything was."""
        if self._lane is None:
            return None
        return spool_file.segment_path(self._directory, self._lane, self._segment)

    @property
    def lane(self) -> str | None:
        return self._lane

    def write(self, body: bytes, *, durable: bool) -> None:
        """Append one record (a JSON document, no newline); when this returns it is in the spool.

        If it could not be written it is held (audit events) or dropped (log lines), and reported.
        """
        if os.getpid() != self._pid:
            self.after_fork_in_child()
        line = body + b"\n"
        with self._lock:
            if self._closed:
                _report("a record after the spool was closed")
                return
            try:
                while self._held:
                    self._append(self._held[0])
                    self._held.popleft()
                self._append(line)
            except OSError as error:
                self._keep(line, durable, error)
                return
            upto = self._written
        if durable and self._sync is Sync.POWER:
            self._sync_through(upto)

    def close(self) -> None:
        """Write what is held, then release the lane: the shipper drains and removes it."""
        with self._lock:
            with contextlib.suppress(OSError):
                for line in self._held:
                    self._append(line)
                self._held.clear()
            self._closed = True
            for fd in (self._fd, self._lock_fd):
                if fd is not None:
                    os.close(fd)
            self._fd = self._lock_fd = None
        spool_forks.untrack(self)

    def _append(self, line: bytes) -> None:
        fd = self._fd
        if fd is not None and self._offset and self._offset + len(line) > self._segment_bytes:
            self._leave_segment(fd)
            fd = None
        if fd is None:
            fd = self._open_segment()
        spool_file.append(fd, line, self._offset)
        self._offset += len(line)
        self._written += len(line)

    def _open_segment(self) -> int:
        """Open the lane's current segment (the lane itself first, on the first record)."""
        self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self._lane is None:
            lane = _new_lane()
            self._lock_fd = spool_file.create_lock(spool_file.lock_path(self._directory, lane))
            self._lane = lane
        fd = spool_file.open_for_append(spool_file.segment_path(self._directory, self._lane, self._segment))
        self._fd, self._offset = fd, os.fstat(fd).st_size
        if self._sync is Sync.POWER:
            spool_file.sync_directory(self._directory)  # the new segment's (and lock's) names too
        return fd

    def _leave_segment(self, fd: int) -> None:
        """The segment is full: the next record starts the next one."""
        if self._sync is Sync.POWER:
            os.fdatasync(fd)  # what the old segment holds is synced before the lane moves on
        os.close(fd)
        self._fd = None
        self._segment += 1

    def _sync_through(self, upto: int) -> None:
        """Return once the lane is synced at least up to `upto` bytes (one sync for many writers).

        The syncing thread takes the lane's size and a copy of its segment's descriptor at one
        moment, under the append lock: every byte up to that size is in that segment or in one
        the lane left, which was synced as it was left.
        """
        with self._synced:
            while self._synced_upto < upto:
                if self._syncing:
                    self._synced.wait()
                    continue
                self._syncing = True
                self._synced.release()
                try:
                    with self._lock:
                        target = self._written
                        fd = os.dup(self._fd) if self._fd is not None else None
                    if fd is not None:
                        try:
                            os.fdatasync(fd)
                        finally:
                            os.close(fd)
                finally:
                    self._synced.acquire()
                    self._syncing = False
                    self._synced.notify_all()
                self._synced_upto = max(self._synced_upto, target)

    def _keep(self, line: bytes, durable: bool, error: OSError) -> None:
        if durable:
            self._held.append(line)
            if len(self._held) > MAX_HELD_EVENTS:
                self._held.popleft()
                self._report_failure("an audit event dropped: too many held while the spool fails")
        else:
            self.dropped_lines += 1
        self._report_failure(f"cannot write to the spool in {self._directory} ({error}); "
                             f"{len(self._held)} audit events held in memory")

    def _report_failure(self, what: str) -> None:
        now = time.monotonic()
        if now - self._reported >= _REPORT_SECONDS:
            self._reported = now
            _report(what)

    def before_fork(self) -> None:
        self._lock.acquire()

    def after_fork_in_parent(self) -> None:
        self._lock.release()

    def after_fork_in_child(self) -> None:
        """Start afresh: the parent's lane is the parent's; our copies of its descriptors go."""
        for fd in (self._fd, self._lock_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)  # this process's copy only: the parent keeps its file and its lock
        self._start()


def _new_lane() -> str:
    """Unique on this host and over restarts (a container's pid is often 1 every time)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{socket.gethostname()}-{stamp}-{os.getpid()}-{secrets.token_hex(4)}"


def _report(what: str) -> None:
    # Not through logging: this is the logging's own failure.
    with contextlib.suppress(Exception):
        sys.stderr.write(f"mymonit.audit.spool: {what}\n")
