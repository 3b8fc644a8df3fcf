"""Where the CPU of a load run goes: the API's processes, nginx, MariaDB and wrk, per request.

On a 2-core machine shared by the client, the proxy, the API and the database, requests/s is
bounded by the CPU each request costs across all of them; this says which part costs what.
Read from /proc (utime + stime of each process tree) before and after a run. MariaDB's figure
includes whatever else uses the server meanwhile.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces: fields restart after its closing parenthesis.
    return text[text.rindex(")") + 2:].split()


def _cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def tree(root: int) -> list[int]:
    """The process and its descendants, now."""
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        fields = _stat(pid)
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def named(*names: str) -> list[int]:
    """Processes whose command name is one of `names` (e.g. mariadbd)."""
    pids = []
    for pid in _all_pids():
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() in names:
                pids.append(pid)
        except OSError:
            continue
    return pids


@dataclass(frozen=True, slots=True)
class CpuShare:
    name: str
    seconds: float


class CpuMeter:
    """Snapshots CPU seconds of named process groups; `children` counts this process's finished children (wrk)."""

    def __init__(self, groups: Mapping[str, Callable[[], Iterable[int]]]) -> None:
        self._groups = groups
        self._start: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        figures = {name: sum(_cpu_seconds(pid) for pid in pids()) for name, pids in self._groups.items()}
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures["wrk (client)"] = usage.ru_utime + usage.ru_stime
        return figures

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> list[CpuShare]:
        end = self._now()
        return [CpuShare(name, end[name] - self._start.get(name, 0.0)) for name in end]


def machine() -> str:
    """The cores and the load average now: what a run's first line says it shared the machine with."""
    return f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}"


def describe(shares: list[CpuShare], requests: int, seconds: float) -> str:
    total = sum(share.seconds for share in shares)
    parts = ", ".join(f"{share.name} {share.seconds / requests * 1000:.2f}" for share in shares)
    return (f"    CPU per request (ms): {parts}; total {total / requests * 1000:.2f}"
            f" ({total / seconds:.2f} of {os.cpu_count()} cores busy)")

