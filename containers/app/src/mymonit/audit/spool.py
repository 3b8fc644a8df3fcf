"""The process's own spool: audit events committed before `write` returns, log lines best-effort.

Each process writes one spool file of its own (see `spool_file`), created on its first record.
`write(body, durable=True)` returns only once the record is committed to that file, so the
response or the ack that an audit event describes never goes out before the event would survive
a kill -9 of the process (and a power loss with `Sync.POWER`). Commits are grouped: whichever
thread finds no commit running takes every record queued so far and commits them in one
transaction while the others wait for it (a group commit without a writer thread).

Ordinary log lines (`durable=False`) are never waited for: they join the next commit, or a
background flush within `LINE_FLUSH_SECONDS` (sooner once `FLUSH_LINES` wait), and beyond
`MAX_PENDING_LINES` the oldest are dropped and counted. A forked child gets a new file, lock
and queue, never its parent's connection (`os.register_at_fork`, and a pid check for forks that
bypass the hooks).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sqlite3
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Final

from mymonit.audit import forking, spool_file
from mymonit.audit.spool_file import Sync

MAX_PENDING_LINES: Final = 10_000
FLUSH_LINES: Final = 1_000  # this many waiting lines wake the background flush before its time
MAX_HELD_EVENTS: Final = 100_000  # audit events kept in memory while commits fail, at most
LINE_FLUSH_SECONDS: Final = 0.5
_RETRY_SECONDS: Final = (0.01, 0.05)  # between the attempts of a failing commit
_REPORT_SECONDS: Final = 10.0  # between two reports of failing commits
_inherited: list[object] = []  # parents' connections, kept unclosed in a child: closing would touch their WAL

class ProcessSpool:
    """The spool of this process in `directory`; thread-safe and fork-safe.

    A commit that keeps failing (disk full, directory gone) is retried, reported on stderr, and
    its records are kept in memory for the next commit; `write` then returns without the
    guarantee rather than block the service (docs/audit.md).
    """

    def __init__(self, directory: Path, sync: Sync = Sync.PROCESS) -> None:
        self._directory = directory
        self._sync = sync
        self._closed = False
        self._start()
        forking.track(self)

    def _start(self) -> None:
        self._pid = os.getpid()
        self._state = threading.Condition()  # guards everything below
        self._io = threading.Lock()  # held while SQLite is in use; fork waits for it
        self._durable: list[str] = []
        self._lines: deque[str] = deque(maxlen=MAX_PENDING_LINES)
        self.dropped_lines = 0
        self._queued = self._committed = 0  # tickets of durable records
        self._committing = False
        self._connection: sqlite3.Connection | None = None
        self._lock_fd: int | None = None
        self._path: Path | None = None
        self._flusher: threading.Thread | None = None
        self._wake = threading.Event()
        self._reported = -_REPORT_SECONDS

    @property
    def path(self) -> Path | None:
        """This process's spool file, once it has written anything."""
        return self._path

    def write(self, body: str, *, durable: bool) -> None:
        """Spool one record; a durable one is committed when this returns."""
        self._check_fork()
        with self._state:
            if self._closed:
                _report("a record after the spool was closed")
                return
            if not durable:
                self._queue_line(body)
                return
            self._durable.append(body)
            self._queued += 1
            ticket = self._queued
            while self._committed < ticket:
                if self._committing:
                    self._state.wait()
                elif not self._commit_queued():
                    return  # reported; the records stay queued for the next commit

    def flush(self) -> None:
        """Commit every queued record, log lines included."""
        self._check_fork()
        with self._state:
            while self._committing:
                self._state.wait()
            if self._durable or self._lines:
                self._commit_queued()

    def close(self) -> None:
        """Commit what is queued, then release the file: the shipper drains and removes it."""
        self.flush()
        with self._state:
            self._closed = True
            self._wake.set()
        flusher = self._flusher
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(timeout=5)
        with self._io:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
        forking.untrack(self)

    def _queue_line(self, body: str) -> None:
        if len(self._lines) == self._lines.maxlen:
            self.dropped_lines += 1
        self._lines.append(body)
        if self._flusher is None:
            self._flusher = threading.Thread(target=self._flush_lines, name="mymonit-spool-lines", daemon=True)
            self._flusher.start()
        elif len(self._lines) >= FLUSH_LINES:
            self._wake.set()

    def _commit_queued(self) -> bool:
        """Commit what is queued, the state lock released meanwhile; False if it failed."""
        durable, lines = self._durable, list(self._lines)
        upto = self._queued
        self._durable, self._committing = [], True
        self._lines.clear()
        self._state.release()
        try:
            committed = self._insert([(1, body) for body in durable] + [(0, body) for body in lines])
        finally:
            self._state.acquire()
            self._committing = False
            self._state.notify_all()
        if committed:
            self._committed = max(self._committed, upto)
        else:
            self._durable[:0] = durable
            self._requeue_lines(lines)
            if len(self._durable) > MAX_HELD_EVENTS:
                del self._durable[: len(self._durable) - MAX_HELD_EVENTS]
                _report(f"audit events dropped: more than {MAX_HELD_EVENTS} held while the spool fails")
        return committed

    def _requeue_lines(self, lines: list[str]) -> None:
        """Put back the lines of a failed commit before those queued since; the oldest go first."""
        merged = [*lines, *self._lines]
        overflow = max(0, len(merged) - MAX_PENDING_LINES)
        self.dropped_lines += overflow
        self._lines.clear()
        self._lines.extend(merged[overflow:])

    def _insert(self, rows: list[tuple[int, str]]) -> bool:
        for attempt, pause in enumerate((*_RETRY_SECONDS, None)):
            try:
                with self._io:
                    spool_file.insert(self._open(), rows)
            except (sqlite3.Error, OSError) as error:
                if pause is None:
                    self._report_failure(f"{len(rows)} records not committed after {attempt + 1} attempts ({error})")
                    return False
                time.sleep(pause)
            else:
                return True
        return False  # pragma: no cover  # the loop always returns

    def _report_failure(self, what: str) -> None:
        now = time.monotonic()
        if now - self._reported >= _REPORT_SECONDS:
            self._reported = now
            _report(what)

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = spool_file.spool_path(self._directory, _new_name())
            if self._lock_fd is None:
                self._lock_fd = spool_file.create_lock(spool_file.lock_path(path))
            self._connection = spool_file.connect(path, self._sync)
            self._path = path
        return self._connection

    def _flush_lines(self) -> None:
        while not self._closed:
            self._wake.wait(LINE_FLUSH_SECONDS)
            self._wake.clear()
            if os.getpid() != self._pid:
                return
            self.flush()

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            self.after_fork_in_child()

    def before_fork(self) -> None:
        self._io.acquire()
        self._state.acquire()

    def after_fork_in_parent(self) -> None:
        self._state.release()
        self._io.release()

    def after_fork_in_child(self) -> None:
        """Start afresh: the parent's records are the parent's to commit, its file its own."""
        if self._connection is not None:
            _inherited.append(self._connection)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # our copy only: the parent keeps its lock
        self._start()


def _new_name() -> str:
    """Unique on this host and over restarts (a container's pid is often 1 every time)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{socket.gethostname()}-{stamp}-{os.getpid()}-{secrets.token_hex(4)}"


def _report(what: str) -> None:
    # Not through logging: this is the logging's own failure.
    with contextlib.suppress(Exception):
        sys.stderr.write(f"mymonit.audit.spool: {what}\n")
