"""The migration benchmark's checks: every published measure stored once, every row in its series."""

from __future__ import annotations

import time

from bench_settings import connect, one_row
from dataset import EXPERIMENTS, Layout, count_rows, experiment_id
from ingest_env import Bench
from migration_consumer import OlderConsumer
from mymonit.container import Container

_ORPHANS = (  # rows outside their experiment's and type's default series
    "SELECT COUNT(*) FROM measures m LEFT JOIN series s ON s.series_id = m.series_id"
    " WHERE s.series_id IS NULL OR s.experiment_id <> m.experiment_id OR s.type_id <> m.type_id"
    " OR s.sensor IS NOT NULL OR s.tags <> '{}'"
)


def ingest_checks(bench: Bench, consumer: OlderConsumer, published: int, dead_queue: str) -> list[str]:
    failures = []
    connection = connect(bench.settings)
    try:
        stored = int(one_row(connection, "SELECT COUNT(*) FROM measures WHERE experiment_id = %s",
                             (bench.experiment_id,))[0])
    finally:
        connection.close()
    channel = bench.channel()
    dead = int(channel.queue_declare(dead_queue, passive=True).method.message_count)
    channel.connection.close()
    print(f"ingest check: {published:,} published, {stored:,} rows stored, consumer counted"
          f" {consumer.counter('stored'):,} new + {consumer.counter('duplicates'):,} duplicates,"
          f" {consumer.counter('failures'):,} retried failures, {dead:,} dead letters")
    if stored != published:
        failures.append(f"{published:,} measures published but {stored:,} stored")
    if consumer.counter("stored") != stored:
        failures.append(f"the consumer counted {consumer.counter('stored'):,} new rows, the table holds {stored:,}")
    if dead:
        failures.append(f"{dead:,} messages dead-lettered")
    return failures


def series_checks(container: Container, layout: Layout) -> list[str]:
    """Sweep what the older consumer left in series 0, then check every row's series."""
    started = time.monotonic()
    moved = container.migrator().backfill_series()
    print(f"backfill-series after the consumer stopped: {moved:,} rows moved in {time.monotonic() - started:.1f} s")
    settings = container.settings()
    connection = connect(settings)
    try:
        left = int(one_row(connection, "SELECT COUNT(*) FROM measures WHERE series_id = 0")[0])
        orphans = int(one_row(connection, _ORPHANS)[0])
        version = int(one_row(connection, "SELECT MAX(version) FROM schema_migrations")[0])
    finally:
        connection.close()
    main = count_rows(settings, [experiment_id(container, name) for name in EXPERIMENTS])
    print(f"series check: {left:,} rows in series 0, {orphans:,} outside their default series; schema version"
          f" {version}; main data set {main:,} rows")
    failures = []
    if left:
        failures.append(f"{left:,} rows still in series 0")
    if orphans:
        failures.append(f"{orphans:,} rows outside their default series")
    if main != layout.rows:
        failures.append(f"the main data set holds {main:,} rows, not {layout.rows:,}")
    return failures
