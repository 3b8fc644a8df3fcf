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
