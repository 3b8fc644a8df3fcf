"""CPU seconds used by this process and by the servers during a timed path (Linux /proc)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_SERVERS = {"mariadbd": "db", "beam.smp": "broker"}


def _server_pids() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if name in _SERVERS:
                found.setdefault(_SERVERS[name], []).append(int(entry.name))
    return found


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class CpuSample:
    wall: float
    own: float
    servers: dict[str, float]


def sample() -> CpuSample:
    servers = {role: sum(_cpu(pid) for pid in pids) for role, pids in _server_pids().items()}
    return CpuSample(time.perf_counter(), time.process_time(), servers)


def usage(before: CpuSample, after: CpuSample) -> str:
    """Cores used on average by each party between two samples."""
    wall = after.wall - before.wall
    parts = [f"consumer {(after.own - before.own) / wall:.2f}"]
    parts += [f"{role} {(after.servers.get(role, 0) - before.servers.get(role, 0)) / wall:.2f}"
              for role in sorted(after.servers)]
    return "cores: " + ", ".join(parts)


def settle(below: float = 0.05, quiet: float = 3.0, timeout: float = 60.0) -> float:
    """Wait until the broker and the database have each used less than `below` cores for `quiet`
    seconds in a row (at most `timeout` seconds); returns the seconds waited.

    Right after a queue is filled or drained the broker still writes messages to its store or
    collects the garbage of acked ones, and the database may still flush the previous run's pages:
    that work belongs to neither path timed next, and it comes in bursts, so one quiet instant
    is not enough.
    """
    started = time.perf_counter()
    previous, quiet_since = sample(), time.perf_counter()
    while time.perf_counter() - started < timeout:
        time.sleep(0.5)
        current = sample()
        wall = current.wall - previous.wall
        busy = max((current.servers.get(role, 0) - previous.servers.get(role, 0)) / wall for role in current.servers)
        if busy >= below:
            quiet_since = current.wall
        elif current.wall - quiet_since >= quiet:
            break
        previous = current
    return time.perf_counter() - started
