"""Load benchmark of the API through nginx TLS, its figures as ratios of baselines of the same run.

    cd containers/app && ../../.venv/bin/python bench/api_load.py [--duration 30] [--connections 64]
        [--workers N] [--skip-ingest] [--ingest-rate 50000] [--api-nice N]

Needs ./run-infra.sh (MariaDB, RabbitMQ, Auth Emulator) and the certificates of ./run.sh
(.run/tls), Debian's nginx and wrk. It starts its own `mymonit serve` on the bench database
(my_monit_bench, filled by bench/query.py, or here with a small data set if empty) behind its own
nginx rendered from the project's template, so the demo stack is neither measured nor disturbed.

wrk (C, epoll, keep-alive, HTTP/1.1 over TLS) drives each path for `--duration` seconds on
`--connections` connections with a valid token, in this order:

1. the Flask floor (bench/api_floor.py): the same JSON body as `GET /experiments/` from a bare
   Flask view under the same granian and nginx, the baseline of the API's own cost;
2. round 1, idle: `GET /experiments/` and a 1000-row measures page;
3. ingest alone: `mymonit consume` storing what `mymonit publish synthetic` sends as fast as it
   can, for `--duration` seconds with no reads, the baseline of ingest;
4. round 2: both paths again while ingest goes on, and the measures/s stored meanwhile.

Prints requests/s, p50/p90/p99 latency, errors (any socket error, timeout or non-2xx answer) and
the CPU per request of each process group (in round 2 the broker, the consumer and the adapter
too), then the targets as ratios: the API idle of the floor, reads and ingest under load each of
its own rate alone. Exits 1 on any error. The API runs at `REST_NICE` (the service's setting,
`--api-nice` to try another); the adapter, which would run elsewhere in production, at 0.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import platform
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode

import requests

from api_floor import measure_floor
from api_load_cpu import CpuMeter, describe, machine, named, tree
from api_load_ingest import Ingest
from api_load_stack import TLS_DIR, Nginx
from api_load_wrk import LoadResult, run_wrk, wrk_path
from bench_settings import connect, load_bench_settings, wait_for_database
from caller import BenchCaller, bench_scientist
from dataset import EXPERIMENTS, Layout
from mymonit.api.responses import iso
from mymonit.container import Container
from serve_process import ApiServer

FLOOR_SHARE = 0.5  # GET /experiments/ idle, of the Flask floor's requests/s
TARGET_P99_MS = 100.0
INGEST_KEPT = 0.5  # ingest's rate under full read load, of its rate alone
READS_KEPT = 0.4  # GET /experiments/ while ingesting, of its idle rate
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
    parser.add_argument("--api-nice", type=int, default=None, choices=range(20), metavar="N",
                        help="REST_NICE of the measured API (default: the service's setting)")
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


def load_round(title: str, base: str, paths: dict[str, str], headers: dict[str, str],
               args: argparse.Namespace, meter: CpuMeter) -> dict[str, LoadResult]:
    """One wrk run per path, by path name."""
    print(f"\n{title}, idle: wrk, {args.connections} connections, {args.duration} s per path")
    results = {}
    for name, path in paths.items():
        meter.start()
        result = run_wrk(name, base + path, headers, connections=args.connections, duration=args.duration)
        print(result.row(), flush=True)
        print(describe(meter.stop(), result.requests, result.seconds), flush=True)
        results[name] = result
    return results


def reads_under_ingest(paths: dict[str, str], base: str, headers: dict[str, str], args: argparse.Namespace,
                       meter_groups: dict[str, Callable[[], list[int]]], ingest: Ingest) -> dict[str, LoadResult]:
    """Round 2: each path's wrk run while ingest goes on, with the measures/s stored during it, by path name."""
    print(f"\nRound 2, while ingesting: wrk, {args.connections} connections, {args.duration} s per path")
    meter = CpuMeter({**meter_groups, "RabbitMQ": lambda: named("beam.smp"), "consumer + adapter": ingest.pids})
    results = {}
    for name, path in paths.items():
        meter.start()
        result, rate = ingest.rate_while(lambda path=path, name=name: run_wrk(  # type: ignore[misc]
            name, base + path, headers, connections=args.connections, duration=args.duration))
        print(result.row(), flush=True)
        print(describe(meter.stop(), result.requests, result.seconds), flush=True)
        print(f"  ingest meanwhile: {rate:,.0f} measures/s", flush=True)
        results[name] = dataclasses.replace(result, ingest_rate=rate)
    return results


@dataclasses.dataclass(frozen=True)
class Figures:
    floor: LoadResult
    idle: dict[str, LoadResult]
    ingest_idle: float | None = None
    loaded: dict[str, LoadResult] = dataclasses.field(default_factory=dict)


def verdict(figures: Figures) -> int:
    """The targets of docs (bench/README.md, API load), each a ratio of figures of this run."""
    listing, idle = "GET /experiments/", figures.idle["GET /experiments/"]
    checks = [(f"{listing} idle ≥ {FLOOR_SHARE}× the Flask floor ({figures.floor.rate:,.0f} req/s)",
               idle.rate / figures.floor.rate, idle.rate / figures.floor.rate >= FLOOR_SHARE),
              (f"{listing} idle p99 < {TARGET_P99_MS:.0f} ms", idle.p99_ms, idle.p99_ms < TARGET_P99_MS)]
    if figures.ingest_idle and listing in figures.loaded:
        loaded = figures.loaded[listing]
        kept = loaded.ingest_rate / figures.ingest_idle
        checks.append((f"ingest under {listing} load ≥ {INGEST_KEPT:.0%} of its idle {figures.ingest_idle:,.0f}/s",
                       kept, kept >= INGEST_KEPT))
        share = loaded.rate / idle.rate
        checks.append((f"{listing} while ingesting ≥ {READS_KEPT:.0%} of its idle rate", share, share >= READS_KEPT))
    print("\ntargets")
    for text, figure, met in checks:
        print(f"  {text}: {figure:.2f} → {'met' if met else 'MISSED'}")
    results = [figures.floor, *figures.idle.values(), *figures.loaded.values()]
    errors = sum(r.errors for r in results)
    print(f"errors: {errors}" + (" (must be 0)" if errors else ""))
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_path()
    settings = load_bench_settings()
    wait_for_database(settings)
    nice = settings.REST_NICE if args.api_nice is None else args.api_nice
    print(f"MyMONIT API load benchmark on {platform.node()}: {machine()}; API: {args.workers} granian workers × "
          f"{settings.REST_THREADS} threads at nice {nice}, nginx in front (TLS, HTTP/1.1 keep-alive from wrk)")
    container = Container(settings=settings)
    try:
        layout, caller = bench_caller(container)
        paths = {"GET /experiments/": "/experiments/", "measures page (1000 rows)": page_path(container, layout)}
    finally:
        container.database().close()
    print(f"\nThe Flask floor (bench/api_floor.py): wrk, {args.connections} connections, {args.duration} s")
    floor = measure_floor("flask", args.connections, args.duration)
    with ApiServer(args.workers, env={"REST_NICE": str(nice)}) as api, Nginx(api.port) as proxy:
        check_paths(proxy.base_url, paths, caller.headers)
        groups = {"API (granian)": lambda: tree(api.pid), "nginx": lambda: tree(proxy.pid),
                  "MariaDB": lambda: named("mariadbd", "mysqld")}
        idle = load_round("Round 1", proxy.base_url, paths, caller.headers, args, CpuMeter(groups))
        figures = Figures(floor, idle)
        if args.skip_ingest:
            print("\nRound 2 skipped (--skip-ingest)")
        else:
            with Ingest(settings.DB_DATABASE, rate=args.ingest_rate) as ingest:
                print(f"\nIngest alone for {args.duration} s:", end=" ", flush=True)
                _, alone = ingest.rate_while(lambda: time.sleep(args.duration))
                print(f"{alone:,.0f} measures/s")
                loaded = reads_under_ingest(paths, proxy.base_url, caller.headers, args, groups, ingest)
            figures = dataclasses.replace(figures, ingest_idle=alone, loaded=loaded)
    print()
    return verdict(figures)


if __name__ == "__main__":
    sys.exit(main())
