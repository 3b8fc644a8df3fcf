"""Part 3 of bench/audit.py: what a kill -9 of an emitting process loses (nothing acknowledged, it must be).

`--kills` times, an emitter (`audit_child.py crash`, `--crash-threads` threads) prints each `seq`
once its `emit` has returned, and is SIGKILLed at a random moment. Its lane, read as the shipper
reads it, must then hold every printed seq among its complete lines, and nothing but complete JSON
lines and at most a torn last one. A shipper then takes over all the killed writers' lanes at once.
"""

from __future__ import annotations

import argparse
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from audit_child import child, stop
from audit_ship import ShipRun, drain
from audit_spool import read_spool
from mymonit.audit import spool_file
from mymonit.audit.sinks import FileSink


@dataclass
class CrashTally:
    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    unreported: int = 0  # in the spool, but killed before it printed the seq
    torn: int = 0  # lanes ending in an unfinished line (a kill during a write)
    broken: int = 0  # complete lines that are not JSON, and other damage: must be 0
    strays: int = 0  # rounds that left other than one new lane
    lost_seqs: list[int] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.broken or self.strays)


def kill_round(directory: Path, threads: int, delay: float) -> set[int]:
    """One emitter killed `delay` s after its first event; the seqs it printed."""
    process = child("crash", "--spool-dir", str(directory), "--threads", str(threads))
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not first.wait(60):
            raise RuntimeError("the emitter to kill printed nothing within 60 s")
        time.sleep(delay)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        reader.join(10)
        stop(process)
    return {int(line) for line in lines if line.endswith("\n")}


def crash_part(args: argparse.Namespace, work: Path) -> tuple[CrashTally, ShipRun]:
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"\n3. kill -9: {args.kills} emitters of {args.crash_threads} threads, each SIGKILLed"
          f" 0-{args.kill_window} s after its first event (seed {seed})")
    directory = work / "crash"
    tally = CrashTally()
    for _ in range(args.kills):
        before = set(spool_file.lanes(directory)) if directory.is_dir() else set()
        acknowledged = kill_round(directory, args.crash_threads, rng.uniform(0, args.kill_window))
        killed = read_spool(directory, skip=before)  # the killed writer's lane
        found = {int(event["seq"]) for lane in killed.lanes for event in lane.events}
        lost = acknowledged - found
        tally.kills += 1
        tally.acknowledged += len(acknowledged)
        tally.lost += len(lost)
        tally.lost_seqs += sorted(lost)[:10]
        tally.unreported += len(found - acknowledged)
        tally.torn += killed.torn
        tally.broken += killed.broken
        tally.strays += len(killed.lanes) != 1
    print(f"  {tally.lost} lost of {tally.acknowledged:,} acknowledged over {tally.kills} kill -9s"
          f" ({tally.unreported} more were in the spool but not yet reported when killed); lanes with a torn"
          f" tail: {tally.torn}; broken lines: {tally.broken}; rounds without exactly one new lane: {tally.strays}"
          + (f"; lost seqs (first ones): {tally.lost_seqs}" if tally.lost else ""))
    takeover = drain("takeover", directory, FileSink(work / "crash.jsonl"), args.batch)
    print(f"  a shipper then took over the {tally.kills} killed writers' lanes at once: {takeover.shipped:,}"
          f" lines shipped of {takeover.spooled:,} complete ones spooled, in {takeover.seconds:.2f} s;"
          f" torn tails dropped {takeover.torn}; lanes left {takeover.left}")
    return tally, takeover
