"""Part 1 of bench/audit.py: what a durable audit event costs the process that emits it.

Separate emitting processes (`audit_child.py emit`), started together; each shape with the spool
off (console only: the baseline) and on, then with a shipper draining the spool meanwhile and with
AUDIT_SPOOL_SYNC=power. "spooled" counts the audit events that reached the spool (or, with the
shipper, went through it); every lane must be whole (`audit_spool`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit_child import WARMUP, StandIn, child, stop
from audit_spool import read_spool
from mymonit.audit.shipper import Shipper
from mymonit.audit.sinks import LogstashHttpSink
from mymonit.audit.spool import Sync


@dataclass
class EmitRun:
    label: str
    processes: int
    events: int
    seconds: float
    cpu: float  # seconds of CPU the emitting processes used meanwhile
    latencies_us: list[float]
    spooled: int | None  # audit events found in the spool (or shipped from it) afterwards; None: spool off
    damaged: int = 0  # unfinished or broken lines in its lanes
    baseline: EmitRun | None = None

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def complete(self) -> bool:
        return self.spooled is None or (self.spooled == self.events + WARMUP * self.processes and not self.damaged)

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_us, n=100, method="inclusive")[p - 1]

    @property
    def cpu_us(self) -> float:
        """CPU per event, µs."""
        return self.cpu / self.events * 1e6

    def row(self) -> str:
        ratio = f"{self.rate / self.baseline.rate:.2f}×" if self.baseline else "baseline"
        against = self.baseline.label if self.baseline else ""
        spooled = "" if self.spooled is None else f"{self.spooled:,}" + ("" if self.complete else "!")
        return (f"{self.label:<36}{self.events:>8,}{self.rate:>11,.0f}{self.percentile(50):>9.0f}"
                f"{self.percentile(99):>9.0f}{self.cpu_us:>10.0f}{spooled:>9}  {ratio:>8}  {against}")


EMIT_HEADER = (f"{'configuration':<36}{'events':>8}{'events/s':>11}{'p50 µs':>9}{'p99 µs':>9}{'CPU µs':>10}"
               f"{'spooled':>9}  {'rate ×':>8}  baseline")


@contextlib.contextmanager
def shipping(directory: Path | None) -> Iterator[Shipper | None]:
    """If `directory`: a shipper in production's loop (`Shipper.run`) sending it to a stand-in meanwhile."""
    if directory is None:
        yield None
        return
    with StandIn() as standin:
        shipper = Shipper(directory, LogstashHttpSink("127.0.0.1", standin.port))
        stopping = threading.Event()
        thread = threading.Thread(target=shipper.run, args=(stopping,), daemon=True)
        thread.start()
        try:
            yield shipper
        finally:
            stopping.set()
            thread.join()


def emitters(label: str, *, processes: int, threads: int, events: int, spool: Path | None,
             sync: Sync = Sync.PROCESS, shipped: bool = False) -> EmitRun:
    """`processes` emitters started together; the rate is every event over first start to last end."""
    args = ["emit", "--spool-dir", str(spool or ""), "--threads", str(threads), "--events", str(events),
            "--sync", sync.value]
    with shipping(spool if shipped else None) as shipper:
        figures = run_together(label, [child(*args) for _ in range(processes)])
    found, damaged = None, 0
    if spool is not None:
        lanes = read_spool(spool)
        found = lanes.pending_events + (shipper.stats.shipped if shipper else 0)
        damaged = lanes.torn + lanes.broken
    seconds = max(f["end"] for f in figures) - min(f["start"] for f in figures)
    return EmitRun(label, processes, processes * events, seconds, sum(f["cpu"] for f in figures),
                   [s for f in figures for s in f["latencies_us"]], found, damaged)


def run_together(label: str, running: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    """Wait until every emitter is ready, start them together, read their figures."""
    try:
        for process in running:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"{label}: an emitter failed to start (exit {process.wait()})")
        for process in running:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        return [json.loads(process.stdout.readline()) for process in running]  # type: ignore[union-attr]
    finally:
        for process in running:
            stop(process)


def emit_part(args: argparse.Namespace, work: Path) -> list[EmitRun]:
    print(f"\n1. durable emit: separate processes, {args.events:,} events each, console on /dev/null;"
          f" 'spooled' = audit events in the spool (or shipped from it) afterwards ({WARMUP} untimed warm-up"
          f" ones per process included; '!' = incomplete or damaged lanes)\n{EMIT_HEADER}")
    runs = []
    shapes = (("1 process", 1, 1), ("4 processes", 4, 1), ("1 process × 4 threads", 1, 4))
    for number, (shape, processes, threads) in enumerate(shapes):
        off = emitters(f"{shape}, console only", processes=processes, threads=threads, events=args.events,
                       spool=None)
        print(off.row(), flush=True)
        on = emitters(f"{shape}, spool", processes=processes, threads=threads, events=args.events,
                      spool=work / f"emit-{number}")
        on.baseline = off
        print(on.row(), flush=True)
        runs += [off, on]
        if number == 0:
            shipped = emitters(f"{shape}, spool, shipper running", processes=processes, threads=threads,
                               events=args.events, spool=work / "emit-shipped", shipped=True)
            shipped.baseline = on
            print(shipped.row(), flush=True)
            runs.append(shipped)
    if args.power_events:
        power = emitters("1 process, spool, sync=power", processes=1, threads=1, events=args.power_events,
                         spool=work / "emit-power", sync=Sync.POWER)
        power.baseline = runs[1]  # 1 process, spool
        print(power.row(), flush=True)
        runs.append(power)
    return runs
