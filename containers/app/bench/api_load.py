"""Load benchmark of the API through nginx TLS: many clients at once, idle and while ingesting.

    cd containers/app && ../../.venv/bin/python bench/api_load.py [--duration 30] [--connections 64]

Needs ./run-infra.sh (MariaDB, RabbitMQ, Auth Emulator) and the certificates of ./run.sh
(.run/tls), Debian's nginx and wrk. It starts its own `mymonit serve` on the bench database
(my_monit_bench, filled by bench/query.py, or here with a small data set if empty) behind its own
nginx rendered from the project's template, so the demo stack is neither measured nor disturbed.

Two rounds of wrk (C, epoll, keep-alive, HTTP/1.1 over TLS), each `--duration` seconds with
`--connections` connections and a valid token: GET /experiments/ and GET of a 1000-row measures
page. Round 1 with nothing else running; round 2 while `mymonit consume` stores what
`mymonit publish synthetic` sends as fast as it can (skipped, with the reason, when the service
has no such commands yet). Prints requests/s, p50/p90/p99 latency and errors (any socket error,
timeout or non-2xx answer), and the CPU per request of each process group (in round 2 the broker,
the consumer and the adapter too); exits 1 on any error.

On one 2-core machine the ingest path (broker, consumer, and the adapter, which would run
elsewhere in production) takes the CPU the API would otherwise use. `--ingest-nice 19` runs round 2
with those processes at that niceness (the broker's restored afterwards), so the API is served
first and ingest gets what is left: it shows what CPU priority buys, not the API at equal footing.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import platform
import sys
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import requests

from api_load_cpu import CpuMeter, describe, machine, named, renice, tree
from api_load_stack import INGEST_ENV, TLS_DIR, Nginx, cli_has
from api_load_wrk import LoadResult, run_wrk, wrk_path
from bench_settings import connect, load_bench_settings, wait_for_database
from caller import BenchCaller, bench_scientist
from dataset import EXPERIMENTS, Layout
from mymonit.api.responses import iso
from mymonit.container import Container
from serve_process import ApiServer, Background

TARGET_RATE = 1500.0
TARGET_P99_MS = 100.0
SMALL_DATASET = 100_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run (default 30)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("REST_WORKERS", "2")),
                        help="worker processes of the measured API (default REST_WORKERS or 2)")
    parser.add_argument("--ingest-rate", type=int, default=50_000,
                        help="measures/s asked of the synthetic adapter in round 2 (default 50000: as fast as it goes)")
    parser.add_argument("--skip-ingest", action="store_true", help="only the idle round")
    parser.add_argument("--ingest-nice", type=int, default=0, choices=range(20), metavar="N",
                        help="niceness of the broker, consumer and adapter in round 2 (default 0: equal footing)")
    return parser.parse_args(argv)


def bench_layout(container: Container) -> Layout:
    """The bench database's data set: reused whatever its size; a small one is made when there is none."""
    settings = container.settings()
    with contextlib.suppress(Exception):
        connection = connect(settings)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT layout FROM bench_dataset WHERE id = 1 AND complete")
            row = cursor.fetchone()
        finally:
            connection.close()
        if row is not None:
            rows = int(str(row[0]).split("rows=")[1].split()[0])
            print(f"reusing the bench data set: {rows:,} measures ({settings.DB_DATABASE})")
            return Layout(rows)
    from query import ensure_dataset  # noqa: PLC0415  # only when the data set must be made

    layout = Layout(SMALL_DATASET)
    ensure_dataset(container, layout, "infile", refill=False)
    return layout


def bench_caller(container: Container) -> tuple[Layout, BenchCaller]:
    """The bench data set (made if there is none) and the bench scientist, associated with its experiments."""
    layout = bench_layout(container)
    experiments = [e.experiment_id for e in container.experiment_repository().all()]
    return layout, bench_scientist(container, experiments)


def page_path(container: Container, layout: Layout) -> str:
    experiment = container.experiment_repository().by_name(EXPERIMENTS[0])
    assert experiment is not None
    middle = layout.moment(layout.seconds // 2 - 1000)
    query = urlencode({"from": iso(middle), "limit": 1000})
    return f"/measures/{experiment.experiment_id}?{query}"


def check_paths(base: str, paths: dict[str, str], headers: dict[str, str]) -> None:
    """Each path answers 200 through the proxy, its certificate verified with the generated CA."""
    for name, path in paths.items():
        answer = requests.get(base + path, headers=headers, verify=str(TLS_DIR / "ca.crt"), timeout=10)
        answer.raise_for_status()
        size = len(answer.json())
        print(f"  {name}: {base}{path} → 200, {size} items, {len(answer.content):,} bytes")
        if name.startswith("measures") and size != 1000:
            raise SystemExit(f"the measures page has {size} rows, not 1000")


def load_round(title: str, condition: str, base: str, paths: dict[str, str], headers: dict[str, str],
               args: argparse.Namespace, meter: CpuMeter) -> list[LoadResult]:
    """One wrk run per path; the results are named with `condition` (idle, while ingesting) for the verdict."""
    print(f"\n{title}: wrk, {args.connections} connections, {args.duration} s per path")
    results = []
    for name, path in paths.items():
        meter.start()
        result = run_wrk(name, base + path, headers, connections=args.connections, duration=args.duration)
        print(result.row(), flush=True)
        print(describe(meter.stop(), result.requests, result.seconds), flush=True)
        results.append(dataclasses.replace(result, name=f"{name}, {condition}"))
    return results


def count_measures(container: Container) -> int:
    connection = connect(container.settings())
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM measures")
        return int(cursor.fetchone()[0])
    finally:
        connection.close()


@contextlib.contextmanager
def ingesting(container: Container, rate: int, niceness: int) -> Iterator[list[int]]:
    """`mymonit consume` and `mymonit publish synthetic` on the bench names, the broker too at
    `niceness`; reports what got stored."""
    env = {**INGEST_ENV, "DB_DATABASE": container.settings().DB_DATABASE}
    before, started = count_measures(container), time.monotonic()
    with Background("consume", env=env) as consumer, \
            Background("publish", "synthetic", "--experiment", EXPERIMENTS[1], "--measure", "hertz",
                       "--count", "0", "--rate", str(rate), env=env) as adapter:
        renice([p for pid in (consumer.pid, adapter.pid) for p in tree(pid)] + named("beam.smp"), niceness)
        try:
            yield [consumer.pid, adapter.pid]
        finally:
            renice(named("beam.smp"), 0)
        stored = count_measures(container) - before
        seconds = time.monotonic() - started
        print(f"  ingest meanwhile{f' (at nice {niceness})' if niceness else ''}: {stored:,} measures stored in"
              f" {seconds:.0f} s = {stored / seconds:,.0f}/s"
              f" (consumer {'running' if consumer.alive() else 'EXITED'},"
              f" adapter {'running' if adapter.alive() else 'EXITED'})")


def verdict(results: list[LoadResult]) -> int:
    errors = sum(r.errors for r in results)
    for result in results:
        if result.name.startswith("GET /experiments/"):
            rate_ok = result.rate >= TARGET_RATE and result.p99_ms < TARGET_P99_MS
            mark = "meets" if rate_ok else "MISSES"
            print(f"target ≥ {TARGET_RATE:,.0f} req/s and p99 < {TARGET_P99_MS:.0f} ms for {result.name}:"
                  f" {result.rate:,.0f} req/s, p99 {result.p99_ms:.1f} ms → {mark}")
    print(f"errors: {errors}" + (" (must be 0)" if errors else ""))
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_path()
    settings = load_bench_settings()
    wait_for_database(settings)
    print(f"MyMONIT API load benchmark on {platform.node()}: {machine()}; API: {args.workers} granian workers × "
          f"{settings.REST_THREADS} threads, nginx in front (TLS, HTTP/1.1 keep-alive from wrk)")
    container = Container(settings=settings)
    try:
        layout, caller = bench_caller(container)
        paths = {"GET /experiments/": "/experiments/", "measures page (1000 rows)": page_path(container, layout)}
    finally:
        container.database().close()
    with ApiServer(args.workers) as api, Nginx(api.port) as proxy:
        check_paths(proxy.base_url, paths, caller.headers)
        groups = {"API (granian)": lambda: tree(api.pid), "nginx": lambda: tree(proxy.pid),
                  "MariaDB": lambda: named("mariadbd", "mysqld")}
        meter = CpuMeter(groups)
        results = load_round("Round 1", "idle", proxy.base_url, paths, caller.headers, args, meter)
        if args.skip_ingest:
            print("\nRound 2 skipped (--skip-ingest)")
        elif not (cli_has("consume") and cli_has("publish", "synthetic")):
            print("\nRound 2 (while ingesting) SKIPPED: this version of the service has no `mymonit consume`"
                  " and `mymonit publish synthetic` yet")
        else:
            container = Container(settings=settings)
            try:
                with ingesting(container, args.ingest_rate, args.ingest_nice) as ingest_pids:
                    time.sleep(3)  # let the consumer reach its pace
                    # The ingest processes and the broker share the cores too: count them.
                    meter = CpuMeter({**groups, "RabbitMQ": lambda: named("beam.smp"),
                                      "consumer + adapter": lambda: [p for pid in ingest_pids for p in tree(pid)]})
                    condition = "while ingesting" + (f" at nice {args.ingest_nice}" if args.ingest_nice else "")
                    results += load_round("Round 2", condition, proxy.base_url, paths, caller.headers, args, meter)
            finally:
                container.database().close()
    print()
    return verdict(results)


if __name__ == "__main__":
    sys.exit(main())
