"""Rollup benchmark: a year of one sensor at 1 Hz, plotted in 1000 buckets from the rollups and raw.

    cd containers/app && ../../.venv/bin/python bench/rollups.py [--days 365] [--repeat 20] [--raw-repeat 3]

1. Fills experiment `bench-year` of `my_monit_bench` with one series (kelvin), one measure a second
   for --days days from 2024-01-01 (31,536,000 rows for a year), by bench/query.py's resumable
   LOAD DATA fill, and reuses it once complete. The fill bypasses the consumer, so the series is
   then marked as backlog, as migration 0009 marks the rows stored before the rollups.
2. Rolls up whatever is marked, with the store of `mymonit rollups` (its turns back to back), and
   reports rows/s. A reused database whose rollups are complete skips this.
3. Times, interleaved in shuffled rounds: the bare read of 1000 precomputed rows of `rollup_hour`
   (the floor), the rollup SQL that answers the plot, bare, and `GET /measures/{id}/aggregate` of
   the whole range in 1000 buckets of whole hours (served from the hour rollups) through Flask's
   test client and a real `mymonit serve`. Then, --raw-repeat times, the same range one second
   earlier, which no rollup tiles: the raw path, every row read (the API's 30 s statement limit,
   REST_QUERY_SECONDS, is lifted for it: a year of raw rows takes about that long here).
4. Checks that both answers count the same measures with the same minimum and maximum, and prints
   the ratios: the API's rollup path against the raw path and against the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the venv

from api_clients import ApiClients, api_clients
from api_load_cpu import machine
from bench_settings import BENCH_DATABASE, connect, load_bench_settings, one_row, wait_for_database
from caller import bench_scientist
from dataset import SECOND, T0, Part, Wave, analyze, count_rows, ensure_schema, experiment_id
from loader import fill
from mymonit.api.app import create_app
from mymonit.api.responses import iso
from mymonit.audit import AuditTrail
from mymonit.bootstrap import api_parts
from mymonit.container import Container
from mymonit.domain.model import Resolution
from mymonit.domain.queries import AggregateQuery
from mymonit.domain.series import Labels
from mymonit.domain.timestamps import EPOCH
from mymonit.storage.rollup_reads import rollup_sql
from mymonit.storage.rollup_store import mark_backlog
from probes import BareDriver
from timing import Probe, Samples, measure, table

EXPERIMENT = "bench-year"
WAVE = Wave("kelvin", 293.15, 2.0, 86_400, 0.05)
BUCKETS = 1_000
FLOOR = "bare: 1000 precomputed rows (rollup_hour)"
ROLLUP_SQL = "bare: the rollup query of the plot"
ROLLUPS = "API {}: year in 1000 buckets, rollups"
RAW = "API {}: year in 1000 buckets, raw rows"
TARGET_MS, TARGET_SPEEDUP = 100.0, 100.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365, help="length of the series in days (default 365)")
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds of the rollup paths (default 20)")
    parser.add_argument("--raw-repeat", type=int, default=3, help="timed runs of the raw path (default 3)")
    parser.add_argument("--no-http", action="store_true", help="skip the `mymonit serve` subprocess")
    args = parser.parse_args(argv)
    if not 1 <= args.days <= 3_660 or args.repeat < 1 or args.raw_repeat < 1:
        parser.error("--days must be 1–3660, --repeat and --raw-repeat at least 1")
    return args


class Year:
    """The series, its ids, and the two URLs of its plot."""

    def __init__(self, container: Container, days: int) -> None:
        self.part = Part((EXPERIMENT,), (WAVE,), days * 86_400)
        self.experiment_id = experiment_id(container, EXPERIMENT)
        type_id = container.measure_type_service().type_id(WAVE.measure)
        assert type_id is not None
        limit = container.ingest_settings().MAX_SERIES_PER_EXPERIMENT
        (self.series_id,) = container.series_store().ensure(self.experiment_id, [(type_id, Labels(None))], limit)
        hours = -(-self.part.seconds // (BUCKETS * 3600))  # the bucket: whole hours, 1000 of them span the series
        self.width = timedelta(hours=hours)
        self.end = T0 + BUCKETS * self.width

    def url(self, shift: timedelta = timedelta(0)) -> str:
        params = {"from": iso(T0 - shift), "to": iso(self.end - shift), "buckets": BUCKETS}
        return f"/measures/{self.experiment_id}/aggregate?" + urlencode(params)

    def query(self) -> AggregateQuery:
        return AggregateQuery(self.experiment_id, T0, self.end, self.width)


def ensure_year(container: Container, year: Year) -> None:
    settings = container.settings()
    found = count_rows(settings, [year.experiment_id])
    if found == year.part.rows:
        print(f"reusing {EXPERIMENT}: {found:,} rows")
    else:
        print(f"filling {EXPERIMENT}: {year.part.rows:,} rows ({found:,} there)")
        loaded, seconds = fill(container, year.part, "infile")
        started = time.perf_counter()
        analyze(settings)
        print(f"fill: {loaded:,} rows in {seconds:.1f} s = {loaded / max(seconds, 1e-9):,.0f} rows/s;"
              f" ANALYZE TABLE measures {time.perf_counter() - started:.1f} s")
    (rolled, pending), = container.database().run(lambda c: c.fetch_all(
        "SELECT (SELECT COALESCE(SUM(n), 0) FROM rollup_minute WHERE series_id = %s),"
        " (SELECT COUNT(*) FROM rollup_backlog WHERE series_id = %s)", (year.series_id, year.series_id)))
    if int(rolled) != year.part.rows and not pending:
        print(f"  the rollups hold {int(rolled):,} of its measures: its minutes marked as backlog")
        container.database().run(lambda c: mark_backlog(c, [year.series_id]), retry=False)


def roll_up(container: Container) -> None:
    """Every mark and backlog minute rolled up, as `mymonit rollups` does; rows/s reported."""
    settings = container.settings()
    connection = connect(settings)
    left_sql = "SELECT COALESCE(SUM(to_minute - from_minute + 1), 0), COUNT(*) FROM rollup_backlog"
    try:
        backlog, series = (int(v) for v in one_row(connection, left_sql))
        (marks,) = one_row(connection, "SELECT COUNT(*) FROM rollup_dirty")
    finally:
        connection.close()
    if not backlog and not marks:
        print("rollups: complete (nothing marked)")
        return
    print(f"rolling up: {backlog:,} backlog minutes of {series} series, {int(marks):,} marked minutes")
    store = container.rollup_store()
    closed = int((time.time() - 60) // 60)
    started, minutes, turns = time.perf_counter(), 0, 0
    with tqdm(total=backlog + int(marks), unit="min", unit_scale=True, mininterval=2) as bar:
        while True:
            report = store.roll(closed)
            minutes, turns = minutes + report.minutes, turns + 1
            bar.update(report.minutes)
            if not report.more:
                break
    seconds = time.perf_counter() - started
    print(f"rolled up {minutes:,} series-minutes in {turns:,} turns, {seconds:.1f} s"
          f" (~{minutes * 60 / max(seconds, 1e-9):,.0f} rows/s at one measure a second)")


def floor_probes(year: Year, bare: BareDriver) -> list[Probe]:
    floor = ("SELECT hour, n, total, low, high FROM rollup_hour WHERE series_id = %s ORDER BY hour LIMIT 1000",
             (year.series_id,))
    first = int((T0 - EPOCH).total_seconds()) // 3600
    plot = rollup_sql(year.query(), Resolution.HOUR, [year.series_id], first,
                      first + BUCKETS * (year.width // timedelta(hours=1)))
    return [Probe(FLOOR, bare.runner(floor, BUCKETS)),
            Probe(ROLLUP_SQL, bare.runner(plot, -(-year.part.seconds // int(year.width.total_seconds()))), FLOOR)]


def api_probes(api: ApiClients, url: str, label: str, baseline: str | None) -> list[Probe]:
    probes = [Probe(label.format("test client"), api.in_process(url), baseline)]
    if (run := api.over_http_client(url)) is not None:
        probes.append(Probe(label.format("HTTP"), run, baseline))
    return probes


def summary(body: Any) -> tuple[int, float, float, str, str | None]:
    answer = json.loads(body)
    buckets = answer["buckets"]
    return (sum(b["count"] for b in buckets), min(b["min"] for b in buckets), max(b["max"] for b in buckets),
            answer["resolution"], answer["raw_since"])


def run(container: Container, year: Year, args: argparse.Namespace) -> dict[str, Samples]:
    caller = bench_scientist(container, [year.experiment_id])
    client = create_app(api_parts(container)).test_client()
    bare = BareDriver(container.settings())

    def recover(error: Exception) -> None:
        print(f"  (a round failed: {str(error)[:160]}; waiting for the database, then running it again)")
        wait_for_database(container.settings())
        time.sleep(2)
        bare.reconnect()

    try:
        with api_clients(client, caller.headers, over_http=not args.no_http) as api:
            rolled = api_probes(api, year.url(), ROLLUPS, FLOOR)
            raw = api_probes(api, year.url(SECOND), RAW, None)
            answers = {probe.name: summary(probe.run()) for probe in (rolled[-1], raw[-1])}
            print(f"\ntimings: {args.repeat} rounds of the rollup paths after 3 warm-up rounds, shuffled;"
                  f" {args.raw_repeat} of the raw path")
            results = measure(floor_probes(year, bare) + rolled, args.repeat, recover)
            results |= measure(raw, args.raw_repeat, recover, warmup=0)
    finally:
        bare.connection.close()
    (rolled_answer, raw_answer) = answers.values()
    print(f"\nrollup answer: {rolled_answer[0]:,} measures, min {rolled_answer[1]}, max {rolled_answer[2]},"
          f" resolution {rolled_answer[3]}, raw since {rolled_answer[4]}")
    print(f"raw answer:    {raw_answer[0]:,} measures, min {raw_answer[1]}, max {raw_answer[2]},"
          f" resolution {raw_answer[3]}")
    if rolled_answer[:3] != raw_answer[:3] or rolled_answer[3] != Resolution.HOUR.value:
        raise SystemExit("the rollup answer differs from the raw one, or was not served from the hours")
    return results


def verdict(results: dict[str, Samples]) -> None:
    layer = "HTTP" if ROLLUPS.format("HTTP") in results else "test client"
    rolled, raw = results[ROLLUPS.format(layer)].median_ms, results[RAW.format(layer)].median_ms
    floor = results[FLOOR].median_ms
    print(f"\nAPI {layer}: rollups {rolled:.1f} ms (target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if rolled <= TARGET_MS else 'MISSED'}), {raw / rolled:,.0f}× faster than raw"
          f" (target ≥ {TARGET_SPEEDUP:.0f}×: {'met' if raw / rolled >= TARGET_SPEEDUP else 'MISSED'}),"
          f" {rolled / floor:.1f}× the floor")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["REST_QUERY_SECONDS"] = "0"  # the raw path over a year runs about as long as the default limit
    settings = load_bench_settings()
    wait_for_database(settings)
    print(f"MyMONIT rollup benchmark  host {platform.node()}, {machine()}; database {BENCH_DATABASE}")
    container = Container(settings=settings, audit_trail=AuditTrail())  # no spool: the bench's settings
    try:
        ensure_schema(container)
        year = Year(container, args.days)
        print(f"  series: {year.part.rows:,} measures, one a second from {T0:%Y-%m-%d};"
              f" plot: {BUCKETS} buckets of {year.width}")
        ensure_year(container, year)
        roll_up(container)
        started = time.perf_counter()
        results = run(container, year, args)
        print()
        print(table(results))
        verdict(results)
        print(f"  (timings took {time.perf_counter() - started:.0f} s; now {machine()})")
    finally:
        container.database().close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
