"""Ingest benchmark: the naive consumer, the bare broker and our RabbitListener on pre-filled queues.

    cd containers/app && ../../.venv/bin/python bench/ingest.py [--messages 200000] [--rounds 2]
        [--series-only | --no-series]

Uses its own database (my_monit_bench_ingest, recreated) and vhost (mymonit_test) with unique
queue names, deleted at the end. Each path drains a queue the adapter filled beforehand with
publisher confirms (that fill is the adapter's publish rate); the clock starts once the broker has
written the fill away and the database is idle (`settle`). The bare broker and the listener
alternate for `--rounds` rounds and the medians are compared, so load from other processes on the
shared cores falls on both alike. The naive path, ~20x slower, runs once on `--naive-messages`: its
rate does not depend on the queue's length.

(d) is the listener again on measures that each carry a sensor (1,000 in turn) and two tags, so
1,000 series, created before the first round; it alternates with (c), the same measures without
labels, whose rate it is held to. `--series-only` runs (c) and (d) alone, `--no-series` the
command as it was before series existed.

(e) is (c) with the rollup worker (`mymonit rollups`, its defaults) running beside it as a process
of its own, from before the fill: held to ≥ 90 % of (c), and timed until the worker has rolled up
every minute closed when the drain ended (checked: the rollups count what the table holds).
`--rollups-only` runs (c) and (e) alone.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ingest_cpu import sample, settle, usage  # bench/ is not a package
from ingest_env import Bench, prepare
from ingest_paths import HERTZ, SENSORS, TAGS, bare, listener, naive, prefill, rolled_up_after
from mymonit.rollups.settings import RollupSettings
from serve_process import Background

NAMES = {"naive": "(a) naive: INSERT+commit+ack each", "bare": "(b) bare broker: consume+ack",
         "listener": "(c) RabbitListener", "series": "(d) (c), sensor + 2 tags, 1k series",
         "rollups": "(e) (c), rollup worker beside it"}
SERIES_TARGET = 0.90  # (d) of (c)
ROLLUPS_TARGET = 0.90  # (e) of (c)


@dataclass
class Runs:
    path: str
    messages: int
    batch: int
    seconds: list[float] = field(default_factory=list)
    caught_up: list[float] = field(default_factory=list)  # (e): seconds after the drain until rolled up

    @property
    def per_second(self) -> float:
        return self.messages / statistics.median(self.seconds)

    @property
    def measures_per_second(self) -> float:
        return self.per_second * self.batch


def timed(bench: Bench, runs: Runs, label: str, publish_rates: list[float]) -> None:
    topology = bench.topology(f"{label}.{runs.path}.{len(runs.seconds)}")
    paths: dict[str, Callable[[], float]] = {
        "naive": lambda: naive(bench, topology, runs.messages),
        "bare": lambda: bare(bench, topology, runs.messages),
        "listener": lambda: listener(bench, topology, runs.messages * runs.batch),
        "series": lambda: listener(bench, topology, runs.messages * runs.batch),
        "rollups": lambda: listener(bench, topology, runs.messages * runs.batch),
    }
    rolled = ""
    try:
        with Background("rollups") if runs.path == "rollups" else contextlib.nullcontext():
            publish_rates.append(prefill(bench, topology, runs.messages, runs.batch,
                                         labelled=runs.path == "series"))
            settled = settle()
            before, cpu = bench.stored(), sample()
            seconds = paths[runs.path]()
            cores = usage(cpu, sample())
            if runs.path == "rollups":
                waited, checked = rolled_up_after(bench, RollupSettings().ROLLUP_GRACE)
                runs.caught_up.append(waited)
                rolled = f"; rolled up {waited:.1f} s after the drain ({checked:,} measures checked)"
        if runs.path != "bare" and bench.stored() - before != runs.messages * runs.batch:
            raise SystemExit(f"{runs.path}: stored {bench.stored() - before}, expected {runs.messages * runs.batch}")
    finally:
        bench.cleanup([topology])
    runs.seconds.append(seconds)
    print(f"  {runs.path:<9}{runs.messages / seconds:>10,.0f} msg/s{runs.messages * runs.batch / seconds:>11,.0f}"
          f" measures/s   {cores} (servers settled {settled:.1f} s first){rolled}", flush=True)


def suite(bench: Bench, label: str, counts: dict[str, int], batch: int, rounds: int,
          publish_rates: list[float]) -> dict[str, Runs]:
    """`counts`: the messages of each path to run; naive once, the others alternating for `rounds`
    ((c) and (d) swap places every other round)."""
    runs = {path: Runs(path, messages, batch) for path, messages in counts.items()}
    if "naive" in runs:
        timed(bench, runs["naive"], label, publish_rates)
    for number in range(rounds):
        order = [path for path in ("bare", "listener", "series", "rollups") if path in runs]
        if number % 2 and len(order) > 1 and order[-2] == "listener":
            order[-2:] = order[-1], order[-2]
        for path in order:
            timed(bench, runs[path], label, publish_rates)
    return runs


def report(title: str, runs: dict[str, Runs]) -> None:
    """Each path's medians, against (a) and (b) when they ran, and (d) against (c)."""
    bases = [(f"× {n[:3]}", runs[p]) for p, n in (("naive", NAMES["naive"]), ("bare", NAMES["bare"])) if p in runs]
    print(f"\n{title}")
    print(f"{'path':<36}{'messages':>10}{'msg/s':>10}{'measures/s':>12}" + "".join(f"{h:>9}" for h, _ in bases))
    for name, result in runs.items():
        ratios = "".join(f"{result.per_second / base.per_second:>8.2f}×" for _, base in bases)
        print(f"{NAMES[name]:<36}{result.messages:>10,}{result.per_second:>10,.0f}"
              f"{result.measures_per_second:>12,.0f}{ratios}")
    if "series" in runs:
        each = ", ".join(f"{runs['series'].messages / s:,.0f}" for s in runs["series"].seconds)
        ratio = runs["series"].per_second / runs["listener"].per_second
        verdict = "met" if ratio >= SERIES_TARGET else "MISSED"
        print(f"  (d)/(c) = {ratio:.1%} (target ≥ {SERIES_TARGET:.0%}: {verdict}); (d) rounds: {each} msg/s")
    if "rollups" in runs:
        ratio = runs["rollups"].per_second / runs["listener"].per_second
        verdict = "met" if ratio >= ROLLUPS_TARGET else "MISSED"
        waits = ", ".join(f"{s:.1f}" for s in runs["rollups"].caught_up)
        print(f"  (e)/(c) = {ratio:.1%} (target ≥ {ROLLUPS_TARGET:.0%}: {verdict});"
              f" rolled up {waits} s after each drain")


def cases(args: argparse.Namespace, messages: int, naive_messages: int) -> dict[str, int]:
    if args.series_only:
        return {"listener": messages, "series": messages}
    if args.rollups_only:
        return {"listener": messages, "rollups": messages}
    counts = {"naive": naive_messages, "bare": messages, "listener": messages}
    return counts if args.no_series else {**counts, "series": messages, "rollups": messages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200_000, help="single-measure messages per queue")
    parser.add_argument("--naive-messages", type=int, default=20_000, help="messages the naive consumer drains")
    parser.add_argument("--array-messages", type=int, default=10_000, help="array messages per queue")
    parser.add_argument("--array-size", type=int, default=100, help="measures per array message")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of (b) and (c)")
    parser.add_argument("--plain", action="store_true",
                        help="every connection, the adapter's fill too, over amqp://127.0.0.1:5672 "
                             "(default: RABBIT_URL, and ADAPTER_URL for the fill)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--series-only", action="store_true", help="only (c) and (d), alternating")
    only.add_argument("--no-series", action="store_true",
                      help="only (a), (b) and (c): the command before series and rollups")
    only.add_argument("--rollups-only", action="store_true", help="only (c) and (e), alternating")
    args = parser.parse_args()

    started = time.perf_counter()
    bench = prepare(args.plain)
    publish_single: list[float] = []
    publish_arrays: list[float] = []
    print(f"broker {bench.settings.amqp_url().split('@')[-1]}, database {bench.settings.DB_DATABASE}", flush=True)
    if not (args.no_series or args.rollups_only):
        bench.ensure_series(HERTZ, SENSORS, TAGS)
    print(f"single measures: {args.messages:,} messages per queue", flush=True)
    singles = suite(bench, "single", cases(args, args.messages, min(args.naive_messages, args.messages)), 1,
                    args.rounds, publish_single)
    print(f"arrays: {args.array_messages:,} messages of {args.array_size} measures per queue", flush=True)
    arrays = suite(bench, "array", cases(args, args.array_messages, max(1, args.array_messages // 10)),
                   args.array_size, args.rounds, publish_arrays)
    report("Single-measure messages (medians)", singles)
    report(f"Array messages of {args.array_size} measures (medians)", arrays)
    print(f"\nAdapter publish rate, persistent, windowed confirms: {statistics.median(publish_single):,.0f} msg/s "
          f"single; {statistics.median(publish_arrays):,.0f} msg/s = "
          f"{statistics.median(publish_arrays) * args.array_size:,.0f} measures/s in arrays")
    if not (args.series_only or args.rollups_only):
        print("Targets: (c) ≥ 10× (a) and ≥ 75% of (b) for single measures; ≥ 80,000 measures/s with arrays")
        print(f"  (c)/(a) = {singles['listener'].per_second / singles['naive'].per_second:.1f}×, "
              f"(c)/(b) = {singles['listener'].per_second / singles['bare'].per_second:.0%}, "
              f"arrays: {arrays['listener'].measures_per_second:,.0f} measures/s")
    if not (args.no_series or args.rollups_only):
        print(f"Target: (d) ≥ {SERIES_TARGET:.0%} of (c), single and arrays:"
              f" {singles['series'].per_second / singles['listener'].per_second:.1%} single,"
              f" {arrays['series'].per_second / arrays['listener'].per_second:.1%} arrays")
    print(f"(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
