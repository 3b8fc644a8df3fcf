"""Part 2 of bench/audit.py: how fast one shipper drains a spool, set against the rate it is written.

A spool of `--ship-events` events, written by 4 emitters that have ended (4 lanes), is copied and
drained by one `Shipper` to the Logstash stand-in over HTTP, and to a `FileSink`. `drain` is also
how part 3 ships the killed writers' lanes.
"""

from __future__ import annotations

import argparse
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from audit_child import WARMUP, StandIn
from audit_emit import EmitRun, emitters
from audit_spool import read_spool
from mymonit.audit import spool_file
from mymonit.audit.shipper import Shipper
from mymonit.audit.sinks import FileSink, LogstashHttpSink, Sink


@dataclass
class ShipRun:
    label: str
    shipped: int  # lines acknowledged
    seconds: float
    left: int  # lanes not removed
    torn: int  # unfinished last lines the shipper dropped
    spooled: int  # complete lines in the spool before
    received: str = ""  # what the sink holds, checked

    @property
    def rate(self) -> float:
        return self.shipped / self.seconds

    @property
    def complete(self) -> bool:
        return self.shipped == self.spooled and not self.left


def drain(label: str, directory: Path, sink: Sink, batch: int) -> ShipRun:
    """Ship passes until one sends nothing and leaves nothing waiting (that one removes the drained lanes)."""
    spooled = read_spool(directory).lines
    shipper = Shipper(directory, sink, batch_rows=batch)
    started = time.perf_counter()
    while shipper.ship_pass() or shipper.more:
        pass
    seconds = time.perf_counter() - started
    shipper.close()
    return ShipRun(label, shipper.stats.shipped, seconds, len(spool_file.lanes(directory)), shipper.stats.torn,
                   spooled)


def ship_part(args: argparse.Namespace, work: Path, writers: EmitRun) -> list[ShipRun]:
    fill = work / "ship-fill"
    emitters("fill", processes=4, threads=1, events=args.ship_events // 4, spool=fill)
    spool = read_spool(fill)
    print(f"\n2. shipping: one Shipper (batches of {args.batch}) drains a spool of {spool.lines:,} events"
          f" in {len(spool.lanes)} lanes (ended writers; {WARMUP} warm-up events each included; unfinished or"
          f" broken lines: {spool.torn + spool.broken}); baseline: the '{writers.label}' rate of part 1,"
          f" {writers.rate:,.0f} events/s")
    runs = []
    with StandIn() as standin:
        directory = work / "ship-http"
        shutil.copytree(fill, directory)
        run = drain("Logstash stand-in over HTTP", directory, LogstashHttpSink("127.0.0.1", standin.port), args.batch)
        distinct, copies, _ = standin.stored(run.shipped, 10)
        run.received = f"stand-in stored {distinct:,} distinct log_ids ({copies:,} copies)"
        runs.append(run)
    directory = work / "ship-file"
    shutil.copytree(fill, directory)
    audit_file = work / "audit.jsonl"
    run = drain("FileSink (fsync per batch)", directory, FileSink(audit_file), args.batch)
    run.received = f"file holds {len(audit_file.read_bytes().splitlines()):,} lines"
    runs.append(run)
    for run in runs:
        print(f"  {run.label:<30}{run.shipped:>8,} events in {run.seconds:.2f} s = {run.rate:>8,.0f} events/s"
              f" = {run.rate / writers.rate:.1f}× the writers; lanes left {run.left}; {run.received}")
    return runs
