"""The durable audit trail: what an event costs, how fast it ships, what a kill -9 loses, what the API pays.

    cd containers/app && ../../.venv/bin/python bench/audit.py [--events 5000] [--ship-events 20000]
        [--kills 20] [--rounds 4] [--duration 8]

Needs ./run-infra.sh (MariaDB, RabbitMQ, Auth Emulator) and wrk (Debian's package) for part 4. Every
spool lives in a temporary directory of its own; each process writes its records as JSON lines to a
lane of its own there (mymonit.audit.spool_file). The Logstash at the other end is the test suite's
stand-in (tests/support/logstash_standin.py: a real HTTP/1.1 server that stores each `log_id` once),
in a process of its own. Every figure is set against a baseline measured in the same run.

1. Durable emit (audit_emit.py): separate processes (audit_child.py) configured as a service process
   is (`configure_logging`, console on /dev/null, the settings' real secrets) each emit `--events`
   `ingest:batch:stored` events, every `emit` timed; 1 process, 4 processes, and 1 process x 4
   threads, each with the spool off (console only: the baseline) and on; 1 process with a shipper
   draining its spool meanwhile, and AUDIT_SPOOL_SYNC=power (an fdatasync per event, grouped across
   threads), against the plain spool. CPU is the emitting processes' CPU time per event, spooled what
   the spool (and shipper) got.
2. Shipping (audit_ship.py): one `Shipper` drains a spool of `--ship-events` events (4 lanes of ended
   writers) to the stand-in over HTTP, and a copy of it to a `FileSink`; set against the rate 4
   processes write.
3. Kill -9 (audit_crash.py): `--kills` times, an emitter (`--crash-threads` threads) prints each `seq`
   once its `emit` has returned and is SIGKILLed at a random moment; every printed seq must be among
   the complete lines of its lane, and the lane must hold complete JSON lines but for at most a torn
   last one (counted). A shipper then takes over the killed writers' lanes.
4. The audited API (audit_api.py): `GET /experiments/` under wrk (`--connections`, HTTP/1.1
   keep-alive, straight to granian unless `--nginx`) on two real `mymonit serve` of `--workers`
   workers, one with the spool on (and a `mymonit ship-audit` shipping all along, as in production)
   and one with it off, in `--rounds` interleaved pairs of `--duration` s (the order alternates).
   Then every request answered 200 with the spool on must have reached the stand-in.

Exits 1 if an acknowledged event was lost, a spool was incomplete or damaged, a request failed or an
event did not arrive; never on speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
import tempfile
import time
from pathlib import Path

from api_load import bench_caller
from api_load_cpu import machine
from api_load_wrk import wrk_path
from audit_api import AUDITED, PATH, TARGET_COST, ApiOutcome, api_part
from audit_crash import CrashTally, crash_part
from audit_emit import EmitRun, emit_part
from audit_ship import ShipRun, ship_part
from bench_settings import load_bench_settings, wait_for_database
from caller import BenchCaller
from mymonit.container import Container

Row = tuple[str, str, str, str]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000, help="events per emitting process (default 5000)")
    parser.add_argument("--power-events", type=int, default=1000,
                        help="events of the AUDIT_SPOOL_SYNC=power row (default 1000; 0 skips it)")
    parser.add_argument("--ship-events", type=int, default=20_000, help="events in the shipped spool (default 20000)")
    parser.add_argument("--batch", type=int, default=500, help="lines per batch the shipper sends (default 500)")
    parser.add_argument("--kills", type=int, default=20, help="kill -9 rounds (default 20)")
    parser.add_argument("--kill-window", type=float, default=0.5,
                        help="seconds after its first event within which an emitter is killed (default 0.5)")
    parser.add_argument("--crash-threads", type=int, default=2, help="threads of the emitter killed (default 2)")
    parser.add_argument("--seed", type=int, help="of the kill moments (default: random, printed)")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved off/on pairs of wrk runs (default 4)")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (default 8)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="granian workers of each API (default 2)")
    parser.add_argument("--nginx", action="store_true", help="drive the APIs through the bench's nginx (TLS)")
    parser.add_argument("--skip-api", action="store_true", help="parts 1-3 only (no database, no wrk)")
    return parser.parse_args()


def emit_rows(emits: list[EmitRun]) -> list[Row]:
    rows = []
    for run in emits:
        base = run.baseline
        if base is not None:
            figure = f"{run.rate:,.0f} events/s, p50 {run.percentile(50):,.0f} µs, p99 {run.percentile(99):,.0f} µs"
            rows.append((f"durable emit, {run.label.removesuffix(', spool')}", figure,
                         f"{base.label}: {base.rate:,.0f}/s, p99 {base.percentile(99):,.0f} µs",
                         f"{run.rate / base.rate:.2f}×"))
    return rows


def crash_rows(ships: list[ShipRun], writers: EmitRun, crash: CrashTally, takeover: ShipRun) -> list[Row]:
    rows: list[Row] = [(f"ship to {ship.label}", f"{ship.rate:,.0f} events/s",
                        f"{writers.label} writing: {writers.rate:,.0f}/s", f"{ship.rate / writers.rate:.1f}×")
                       for ship in ships]
    rows.append(("kill -9 of an emitter", f"{crash.lost} lost of {crash.acknowledged:,} acknowledged"
                 f" over {crash.kills} kill -9s; torn tails {crash.torn}, broken lines {crash.broken}",
                 "acknowledged events", f"{crash.lost / max(crash.acknowledged, 1):.2g} lost"))
    rows.append(("takeover of the killed writers' lanes", f"{takeover.shipped:,} lines shipped, lanes left"
                 f" {takeover.left}", f"complete lines spooled: {takeover.spooled:,}",
                 f"{takeover.shipped / max(takeover.spooled, 1):.2f}×"))
    return rows


def api_rows(api: ApiOutcome) -> list[Row]:
    on, off = api.on, api.off
    verdict = "meets" if api.cost <= TARGET_COST else "MISSES"
    return [
        (f"GET {PATH}, spool on + ship-audit", f"{on.rate:,.0f} req/s, p99 {on.p99_ms():.1f} ms",
         f"spool off: {off.rate:,.0f} req/s, p99 {off.p99_ms():.1f} ms",
         f"{api.ratio:.3f}× (cost {api.cost:.1%}; target ≤ {TARGET_COST:.0%}: {verdict})"),
        ("  CPU per request (API + shipper + stand-in)", f"{on.cpu_ms(*AUDITED):.3f} ms",
         f"spool off: {off.cpu_ms(*AUDITED):.3f} ms", f"{on.cpu_ms(*AUDITED) / off.cpu_ms(*AUDITED):.3f}×"),
        ("  events delivered to the stand-in", f"{api.stored:,} stored",
         f"requests answered 200: {api.expected:,}", f"{api.stored / max(api.expected, 1):.3f}×"),
    ]


def print_table(rows: list[Row]) -> None:
    header = ("measure", "figure", "baseline (same run)", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def signed_in(args: argparse.Namespace) -> BenchCaller | None:
    """The bench scientist for part 4 (the bench data set made if there is none); None with --skip-api."""
    if args.skip_api:
        return None
    wrk_path()
    settings = load_bench_settings()
    wait_for_database(settings)
    container = Container(settings=settings)
    try:
        return bench_caller(container)[1]
    finally:
        container.database().close()


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    print(f"command: cd containers/app && {shlex.join(sys.orig_argv)}")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine()}; parameters: {vars(args)}", flush=True)
    caller = signed_in(args)
    with tempfile.TemporaryDirectory(prefix="mymonit-bench-audit-") as scratch:
        work = Path(scratch)
        emits = emit_part(args, work)
        writers = next(run for run in emits if run.label == "4 processes, spool")
        ships = ship_part(args, work, writers)
        crash, takeover = crash_part(args, work)
        api = api_part(args, work, caller) if caller is not None else None
    print(f"\nsummary ({time.monotonic() - started:.0f} s in all; {machine()} at the end):")
    print_table(emit_rows(emits) + crash_rows(ships, writers, crash, takeover) + (api_rows(api) if api else []))
    checked: list[EmitRun | ShipRun] = [*emits, *ships, takeover]
    incomplete = [run.label for run in checked if not run.complete]
    if incomplete:
        print(f"INCOMPLETE OR DAMAGED SPOOLS: {incomplete}")
    return 1 if incomplete or crash.failed or (api is not None and api.failed) else 0


if __name__ == "__main__":
    sys.exit(main())
