"""Migration benchmark: migrations 0004-0006 (series) on the 10-million-row bench table, a consumer inserting meanwhile.

    cd containers/app && ../../.venv/bin/python bench/migration.py [--rows 10000000] [--ingest-rate 2000]
        [--batch 100] [--before 30] [--after 15] [--no-ingest]

1. Makes `my_monit_bench` the table bench/query.py reads, at schema version 3: recreated with
   `Migrator.upgrade(up_to=3)` and filled by LOAD DATA with the version-3 columns (resumed if an
   earlier run stopped during the fill; reused if it is complete and still at version 3).
2. Starts a consumer as an older release runs it during a rolling upgrade (`migration_consumer`:
   the version-3 INSERT, every row in series 0) on a queue of its own, which `mymonit publish
   synthetic` fills with arrays of `--batch` measures at `--ingest-rate` measures/s, into an
   experiment of its own. 0 is as fast as it goes, but on 2 cores the adapter then publishes about
   twice what the consumer stores, and the queue (and the drain) grows without bound.
3. Times `Migrator.upgrade()` (what `mymonit db upgrade` runs) after `--before` s of ingest, then
   `--after` s more; the consumer's rate, the queue's depth and the statement MariaDB runs are
   sampled twice a second. Then the adapter stops, the queue is drained, the rows the older
   consumer left in series 0 are moved (`Migrator.backfill_series`, as `mymonit db
   backfill-series`), and the checks run: every published measure stored once, no dead letter, every
   row in its default series, the main data set intact. Exits 1 if one fails.

Afterwards the database is the one bench/query.py reuses (at the current schema).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import secrets
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime

from api_load_cpu import machine
from bench_settings import BENCH_DATABASE, connect, load_bench_settings, one_row, recreate_database, wait_for_database
from dataset import (
    EXPERIMENTS,
    TYPES,
    DatasetState,
    Layout,
    analyze,
    dataset_state,
    experiment_id,
    mark_complete,
    prepare_schema,
)
from ingest_env import VHOST, Bench
from loader import fill
from migration_checks import ingest_checks, series_checks
from migration_consumer import OlderConsumer
from migration_sampler import Sampler, Span, report
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.errors import Unavailable
from mymonit.storage.migrator import Migration
from serve_process import Background

INGEST_EXPERIMENT = "bench-migration-ingest"
# Stopped by SIGTERM, the adapter reports only the messages the broker confirmed (each a full array:
# the one it was filling is dropped); it says "published N measures" only when its samples ran out.
_CONFIRMED = re.compile(r"(\d+) messages confirmed")
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="measures of the main data set (default 10M)")
    parser.add_argument("--ingest-rate", type=int, default=2_000,
                        help="measures/s asked of the adapter (default 2000; 0: flat out)")
    parser.add_argument("--batch", type=int, default=100, help="measures per message (default 100)")
    parser.add_argument("--before", type=int, default=30, help="seconds of ingest timed before the migration")
    parser.add_argument("--after", type=int, default=15, help="seconds of ingest timed after it")
    parser.add_argument("--no-ingest", action="store_true", help="the migration alone, no consumer")
    args = parser.parse_args(argv)
    if args.rows % (len(EXPERIMENTS) * len(TYPES)):
        parser.error(f"--rows must be a multiple of {len(EXPERIMENTS) * len(TYPES)}")
    return args


def schema_version(settings: Settings) -> int | None:
    """The bench database's newest applied migration; None without a database or migrations."""
    try:
        connection = connect(settings)
    except Exception:  # noqa: BLE001  # no such database (or no server: the fill reports that)
        return None
    try:
        return int(one_row(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0])
    except Exception:  # noqa: BLE001  # no migrations table yet
        return None
    finally:
        connection.close()


def version3_table(container: Container, layout: Layout) -> None:
    """The main data set at schema version 3: made, resumed or reused."""
    settings = container.settings()
    version = schema_version(settings)
    state = dataset_state(settings, layout) if version == 3 else DatasetState(layout_matches=False, complete=False)
    if state.complete:
        print(f"reusing {BENCH_DATABASE} at schema version 3 ({layout.rows:,} measures)")
        return
    if state.layout_matches:
        print(f"resuming the fill of {BENCH_DATABASE} at schema version 3")
    else:
        print(f"recreating {BENCH_DATABASE} at schema version 3 (it was at {version})")
        recreate_database(settings, BENCH_DATABASE)
        prepare_schema(container, layout, up_to=3)
    loaded, seconds = fill(container, layout.part, "infile", with_series=False)
    mark_complete(settings, seconds)
    analyze(settings)
    print(f"fill (infile, version-3 columns): {loaded:,} rows in {seconds:.1f} s = {loaded / max(seconds, 1e-9):,.0f}"
          " rows/s")


class MigrationLog(logging.Handler):
    """Echoes the migrator's log lines as they come, with the consumer's pace at that moment."""

    def __init__(self, started: float, sampler: Sampler | None) -> None:
        super().__init__(logging.INFO)
        self._started, self._sampler = started, sampler

    def emit(self, record: logging.LogRecord) -> None:
        pace = ""
        if self._sampler is not None:
            rate, depth = self._sampler.recent()
            pace = f"  (consumer {rate:,.0f} measures/s, queue {depth:,} messages)"
        print(f"  [{time.monotonic() - self._started:7.1f} s] {record.getMessage()}{pace}", flush=True)


def migrate(container: Container, sampler: Sampler | None) -> float:
    """`Migrator.upgrade()` with its log shown; returns its seconds."""
    logger = logging.getLogger("mymonit.storage")
    started = time.monotonic()
    handler = MigrationLog(started, sampler)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if sampler is not None:
        sampler.phase = "migration"
    applied: list[Migration] = []
    down = 0.0
    try:
        for attempt in range(3):  # another engineer's tests may restart MariaDB meanwhile
            try:
                applied += container.migrator().upgrade()
                break
            except Unavailable as error:
                if attempt == 2:
                    raise
                lost = time.monotonic()
                print(f"  (the database went away during the migration: {error}; resuming once it is back)")
                wait_for_database(container.settings())
                down += time.monotonic() - lost
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    seconds = time.monotonic() - started - down
    resumed = f" (resumed after a server restart; {down:.1f} s of waiting left out)" if down else ""
    print(f"applied {', '.join(f'{m.version:04d}_{m.name}' for m in applied) or 'nothing'} in {seconds:.1f} s"
          f"{resumed}")
    return seconds


def ingest_settings(settings: Settings, bench_prefix: str) -> Settings:
    """The bench settings on the test vhost, with a topology of this run's own."""
    return settings.model_copy(update={
        "RABBIT_VHOST": VHOST, "RABBIT_EXCHANGE": bench_prefix, "RABBIT_QUEUE": f"{bench_prefix}.measures",
        "RABBIT_ROUTING": f"{bench_prefix}.measures",
    })


def with_ingest(container: Container, args: argparse.Namespace) -> tuple[list[Span], float, list[str]]:
    """The migration while the older consumer stores what the adapter sends; returns the sampled
    phases, the migration's seconds and the failed checks."""
    prefix = f"mymonit.bench-{secrets.token_hex(4)}"
    settings = ingest_settings(container.settings(), prefix)
    bench = Bench(settings, container, prefix, experiment_id(container, INGEST_EXPERIMENT))
    topology = bench.topology("measures")
    bench.declare(topology)
    env = {"RABBIT_VHOST": VHOST, "RABBIT_EXCHANGE": topology.exchange, "RABBIT_ROUTING": topology.routing_key}
    adapter = Background("publish", "synthetic", "--experiment", INGEST_EXPERIMENT, "--measure", "hertz",
                         "--count", "0", "--rate", str(args.ingest_rate), "--batch", str(args.batch), env=env)
    try:
        with ExitStack() as stack:
            consumer = stack.enter_context(OlderConsumer(settings, container.database()))
            sampler = stack.enter_context(Sampler(settings, topology.queue, consumer.handled))
            stack.enter_context(adapter)
            seconds = timed_phases(container, sampler, args)
            published = drain(adapter, consumer, sampler, args.batch)
            consumer.stop()
        failures = ingest_checks(bench, consumer, published, topology.dead_queue)
    finally:
        bench.cleanup([topology])
    return sampler.spans(), seconds, failures


def timed_phases(container: Container, sampler: Sampler, args: argparse.Namespace) -> float:
    time.sleep(5)  # the consumer reaches its pace
    sampler.phase = "before"
    print(f"ingest before the migration: {args.before} s", flush=True)
    time.sleep(args.before)
    seconds = migrate(container, sampler)
    sampler.phase = "after"
    print(f"ingest after the migration: {args.after} s", flush=True)
    time.sleep(args.after)
    return seconds


def drain(adapter: Background, consumer: OlderConsumer, sampler: Sampler, batch: int, timeout: float = 600.0) -> int:
    """Stop the adapter, wait until the consumer has handled all it published; returns that count."""
    sampler.phase = "drain"
    log = adapter.stop()
    found = _CONFIRMED.findall(log)
    if not found:
        raise RuntimeError(f"the adapter did not report what it published:\n{log[-2000:]}")
    published = int(found[-1]) * batch
    deadline = time.monotonic() + timeout
    while consumer.handled() < published and time.monotonic() < deadline and consumer.alive():
        time.sleep(0.5)
    print(f"adapter stopped: {published:,} measures published; consumer handled {consumer.handled():,}")
    return published


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = load_bench_settings()
    wait_for_database(settings)
    print(f"MyMONIT migration benchmark  {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC on {platform.node()},"
          f" {machine()}, load {os.getloadavg()[0]:.2f}")
    print(f"  command: {' '.join(sys.argv)}")
    layout = Layout(args.rows)
    container = Container(settings=settings)
    try:
        version3_table(container, layout)
        spans: list[Span]
        failures: list[str]
        if args.no_ingest:
            spans, seconds, failures = [], migrate(container, None), []
        else:
            spans, seconds, failures = with_ingest(container, args)
        failures += series_checks(container, layout)
    except Unavailable as error:
        raise SystemExit(f"the database went away: {error}") from error
    finally:
        container.database().close()
    report(spans, seconds, layout.rows)
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    print("checks: all passed" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
