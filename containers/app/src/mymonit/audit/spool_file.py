"""The spool on disk: per writing process (a "lane"), append-only JSON-lines segments and a lock.

For a lane `NAME` the spool directory holds:

- `NAME.lock`: created and `flock`ed by the writer *before* its first segment, held for as long
  as it lives; the kernel releases it when the process ends, however it ends. A shipper that can
  take the lock knows the writer is gone and the lane is its own to drain and remove.
- `NAME.000000.jsonl`, `NAME.000001.jsonl`, …: the records, one JSON document per line, each
  appended by one `write(2)`. The writer starts the next segment once one holds `SEGMENT_BYTES`.
- `NAME.shipped`: written by the shipper only, "SEGMENT OFFSET": everything before that position
  has been acknowledged by the sink. Replaced atomically; its loss only means records sent again.

A line is complete once its newline is on disk. The writer truncates a line it could not finish
(disk full), so a line without its newline is only ever the last one of a writer that died
writing it, before it reported that record as done.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

SEGMENT_SUFFIX: Final = ".jsonl"
LOCK_SUFFIX: Final = ".lock"
SHIPPED_SUFFIX: Final = ".shipped"
SEGMENT_BYTES: Final = 16 * 1024 * 1024
SHIPPER_LOCK: Final = "shipper.lock"  # the directory's own lock, held by its one shipper
_SEGMENT: Final = re.compile(r"^(?P<lane>.+)\.(?P<number>\d{6})\.jsonl$")


@dataclass(frozen=True, order=True)
class Position:
    """A place in a lane: a segment and a byte offset in it."""

    segment: int
    offset: int


def segment_path(directory: Path, lane: str, number: int) -> Path:
    return directory / f"{lane}.{number:06d}{SEGMENT_SUFFIX}"


def lock_path(directory: Path, lane: str) -> Path:
    return directory / f"{lane}{LOCK_SUFFIX}"


def shipped_path(directory: Path, lane: str) -> Path:
    return directory / f"{lane}{SHIPPED_SUFFIX}"


def lanes(directory: Path) -> dict[str, list[int]]:
    """Every lane of the directory (by its lock or its segments), with its segment numbers in order."""
    found: dict[str, list[int]] = {
        path.name[: -len(LOCK_SUFFIX)]: [] for path in directory.glob(f"*{LOCK_SUFFIX}") if path.name != SHIPPER_LOCK
    }
    for path in directory.glob(f"*{SEGMENT_SUFFIX}"):
        match = _SEGMENT.match(path.name)
        if match:
            found.setdefault(match["lane"], []).append(int(match["number"]))
    return {lane: sorted(numbers) for lane, numbers in found.items()}


def open_for_append(path: Path) -> int:
    """Open (creating) a file to append lines to, readable by this user only: a segment, the audit file."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


def append(fd: int, data: bytes, offset: int) -> None:
    """Write `data` at the end (`offset`, the writer's own count) whole, or leave nothing of it."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, offset)  # never a torn line before the next one
        raise


def read_shipped(directory: Path, lane: str, first_segment: int) -> Position:
    try:
        segment, offset = shipped_path(directory, lane).read_text(encoding="ascii").split()
        return Position(int(segment), int(offset))
    except (FileNotFoundError, ValueError):
        return Position(first_segment, 0)


def write_shipped(directory: Path, lane: str, position: Position) -> None:
    target = shipped_path(directory, lane)
    temporary = target.with_name(target.name + ".new")
    temporary.write_text(f"{position.segment} {position.offset}\n", encoding="ascii")
    temporary.replace(target)


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
    """Create a new lock file, already held (a writer's first step; the name must be new).

    It is locked under a name no shipper looks at, then renamed into place (the lock stays with
    the file), so a shipper never finds a writer's lock file that is not held yet.
    """
    pending = path.with_name(path.name + ".new")
    fd = os.open(pending, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        pending.rename(path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def sync_directory(directory: Path) -> None:
    """fsync the directory itself, so that a file just created in it survives a power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_lane(directory: Path, lane: str) -> None:
    """Delete a drained lane: its segments and shipped mark first, its lock file last."""
    for number in lanes(directory).get(lane, []):
        with contextlib.suppress(FileNotFoundError):
            segment_path(directory, lane, number).unlink()
    for path in (shipped_path(directory, lane), lock_path(directory, lane)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def backlog(directory: Path) -> tuple[int, int]:
    """(lanes, bytes) not yet shipped in `directory`: what `./run.sh status` shows."""
    found = lanes(directory)
    waiting = 0
    for name, segments in found.items():
        position = read_shipped(directory, name, segments[0] if segments else 0)
        for number in segments:
            if number < position.segment:
                continue  # shipped already, not yet deleted
            with contextlib.suppress(FileNotFoundError):
                size = segment_path(directory, name, number).stat().st_size
                waiting += size - position.offset if number == position.segment else size
    return len(found), waiting
