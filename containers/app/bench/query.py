"""Read-path benchmark: a 1000-row page and a 1000-bucket aggregation, through the API and bare.

    cd containers/app && ../../.venv/bin/python bench/query.py [--rows 10000000] [--repeat 30]

1. Creates `my_monit_bench` with the project's schema and fills it (5 experiments x 2 measure
   types, one per second), or reuses it when its marker says it holds exactly --rows rows
   (upgrading its schema if it lacks a migration). Beside it, the sensor part: one experiment of
   100 sensors, 1M rows, loaded once by the same resumable fill (`sensor_page`).
2. Times the page from the middle of an experiment, the page behind its Link cursor, a page of one
   measure type, a page of one sensor among 100 (`?sensor=`) and an aggregation over ~1M rows:
   bare through the driver, through our reader and service, through Flask's test client and
   through a real `mymonit serve` over HTTP keep-alive.
3. Prints EXPLAIN and ANALYZE FORMAT=JSON facts of the queries; WARNING lines flag a bad plan,
   or a page that read more rows than it returns.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import UTC, datetime

import mysql.connector

from api_clients import api_clients
from api_load_cpu import machine
from bench_settings import (
    BENCH_DATABASE,
    connect,
    load_bench_settings,
    one_row,
    recreate_database,
    wait_for_database,
)
from caller import UID, bench_scientist
from dataset import (
    EXPERIMENTS,
    TYPES,
    DatasetState,
    Layout,
    analyze,
    count_rows,
    dataset_state,
    experiment_id,
    mark_complete,
    prepare_schema,
    upgrade_schema,
)
from loader import InfileRefused, fill
from mymonit.api.app import create_app
from mymonit.audit import AuditTrail
from mymonit.bootstrap import api_parts
from mymonit.config import Settings
from mymonit.container import Container
from plans import explain
from probes import (
    BareDriver,
    Paths,
    Targets,
    build_probes,
    fixed_cost_probes,
    layer_probes,
    name,
    resolve_paths,
)
from profiling import profile_page
from sensor_page import INDEX, SensorPage, ensure_sensors, with_sensor_page
from sensor_page import QUERY as SENSOR_QUERY
from timing import Samples, measure, table

TARGET_RATIO = 2.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="measures in the data set (default 10M)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each path (default 30)")
    parser.add_argument("--loader", choices=("infile", "writer"), default="infile",
                        help="infile: LOAD DATA LOCAL INFILE (default); writer: MySqlMeasureWriter batches")
    parser.add_argument("--refill", action="store_true", help="drop and refill the bench database even if it matches")
    parser.add_argument("--no-http", action="store_true", help="skip the `mymonit serve` subprocess")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also cProfile N test-client requests of the page from the middle")
    args = parser.parse_args(argv)
    series = len(EXPERIMENTS) * len(TYPES)
    if args.rows < 20_000 or args.rows % series:
        parser.error(f"--rows must be a multiple of {series} (experiments × types) and at least 20000")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def header(settings: Settings, args: argparse.Namespace) -> None:
    connection = connect(settings, database=None)
    version, pool = one_row(connection, "SELECT VERSION(), @@innodb_buffer_pool_size")
    connection.close()
    print(f"MyMONIT query benchmark  {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
    print(f"  host: {platform.node()}, {machine()}")
    print(f"  MariaDB {version} on {settings.DB_HOST}:{settings.DB_PORT}, database {BENCH_DATABASE},"
          f" buffer pool {int(pool) // 2**20} MiB")
    print(f"  Python {platform.python_version()}, mysql-connector {mysql.connector.__version__}"
          f" (C extension: {mysql.connector.HAVE_CEXT})")
    print(f"  data set: {args.rows:,} measures = {len(EXPERIMENTS)} experiments × {len(TYPES)} types"
          f" × {Layout(args.rows).seconds:,} s at 1 s spacing")


def ensure_dataset(container: Container, layout: Layout, method: str, *, refill: bool) -> None:
    settings = container.settings()
    state = DatasetState(layout_matches=False, complete=False) if refill else dataset_state(settings, layout)
    if state.complete:
        found = count_rows(settings, [experiment_id(container, name) for name in EXPERIMENTS])
        if found == layout.rows:
            print(f"\nreusing {BENCH_DATABASE}: {found:,} rows (filled in {state.fill_seconds:.1f} s"
                  f" on {state.filled_at:%Y-%m-%d %H:%M} UTC)")
            upgrade_schema(container)
            return
        print(f"\n{BENCH_DATABASE} holds {found:,} rows, not {layout.rows:,}: refilling")
    if not state.layout_matches:
        print(f"\ncreating {BENCH_DATABASE} (schema through mymonit.storage.migrator.Migrator)")
        recreate_database(settings, BENCH_DATABASE)
    else:
        print(f"\nresuming the interrupted fill of {BENCH_DATABASE}")
    prepare_schema(container, layout)
    try:
        loaded, seconds = fill(container, layout.part, method)
    except InfileRefused as error:
        print(f"  LOAD DATA LOCAL INFILE refused ({error}); filling through MySqlMeasureWriter instead")
        method = "writer"
        loaded, seconds = fill(container, layout.part, method)
    mark_complete(settings, seconds)
    started = time.perf_counter()
    analyze(settings)
    analyzed = time.perf_counter() - started
    resumed = f" (resumed: {layout.rows - loaded:,} were already there)" if loaded < layout.rows else ""
    print(f"fill ({method}): {loaded:,} rows in {seconds:.1f} s = {loaded / max(seconds, 1e-9):,.0f} rows/s{resumed};"
          f" ANALYZE TABLE measures {analyzed:.1f} s")


def run_timings(container: Container, targets: Targets, args: argparse.Namespace) -> tuple[dict[str, Samples], Paths]:
    experiment_ids = [e.experiment_id for e in container.experiment_repository().all()]
    caller = bench_scientist(container, experiment_ids)
    actor = container.user_service().resolve(UID)
    client = create_app(api_parts(container)).test_client()
    paths = resolve_paths(targets, client, caller.headers, container.database())
    paths = with_sensor_page(paths, SensorPage.of(container))
    bare = BareDriver(container.settings())
    layers = layer_probes(container, targets, actor)
    print(f"\ntimings: experiment {targets.experiment_id}, page of 1000 from {targets.middle:%Y-%m-%d %H:%M:%S}Z;"
          f" aggregation {targets.agg_start:%Y-%m-%d %H:%M:%S}Z..{targets.agg_end:%Y-%m-%d %H:%M:%S}Z"
          f" ({targets.agg_rows:,} rows → 1000 buckets × {len(TYPES)} types)")
    print(f"  {args.repeat} timed rounds after 3 warm-up rounds, all paths interleaved in a shuffled order each round")

    def recover(error: Exception) -> None:
        print(f"  (a round failed: {str(error)[:160]}; waiting for the database, then running it again)")
        wait_for_database(container.settings())
        time.sleep(2)  # let `mymonit serve` workers notice too
        bare.reconnect()

    with api_clients(client, caller.headers, over_http=not args.no_http) as api:
        probes = build_probes(paths, bare, api, layers) + fixed_cost_probes(container, caller.token, api)
        results = measure(probes, args.repeat, recover)
    bare.connection.close()
    if args.profile:
        profile_page(client, paths.urls["page from the middle"], caller.headers, args.profile)
    return results, paths


def verdict(results: dict[str, Samples]) -> None:
    for query in ("page from the middle", SENSOR_QUERY):
        base = results[name("bare driver", query)].median_ms
        for layer in ("API test client", "API HTTP requests", "API HTTP http.client"):
            if name(layer, query) in results:
                ratio = results[name(layer, query)].median_ms / base
                mark = "within" if ratio <= TARGET_RATIO else "NOT within"
                print(f"target: {layer}, {query}: {ratio:.2f}× the bare query → {mark} {TARGET_RATIO:.0f}×")


def show_plans(container: Container, paths: Paths) -> list[str]:
    print("\nquery plans (EXPLAIN, then ANALYZE FORMAT=JSON facts)")
    connection = BareDriver(container.settings()).connection
    wanted = {
        "page from the middle": {"PRIMARY"},
        "page after a cursor": {"PRIMARY"},
        "page ?measure=hertz": {INDEX},
        "aggregate 1000 buckets": {INDEX},
        SENSOR_QUERY: {INDEX},
    }
    warnings = []
    try:
        for query, (sql, params) in paths.sql.items():
            most = None if query.startswith("aggregate") else paths.expect_rows[query]
            warnings += explain(connection, query, sql, params, wanted[query], most)
    finally:
        connection.close()
    return warnings


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = load_bench_settings()
    wait_for_database(settings)
    header(settings, args)
    layout = Layout(args.rows)
    container = Container(settings=settings, audit_trail=AuditTrail())  # no spool: the bench's settings
    try:
        ensure_dataset(container, layout, args.loader, refill=args.refill)
        ensure_sensors(container)
        targets = Targets.of(container, layout)
        started = time.perf_counter()
        results, paths = run_timings(container, targets, args)
        print()
        print(table(results))
        verdict(results)
        print(f"  (timings took {time.perf_counter() - started:.0f} s; now {machine()})")
        warnings = show_plans(container, paths)
    finally:
        container.database().close()
    print(f"\n{len(warnings)} plan warning(s)" if warnings else "\nplans: no warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
