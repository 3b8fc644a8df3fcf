"""The three consumers the benchmark compares, the adapter that fills their queues, and the rollup
worker that runs beside the listener in (e)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import orjson
from prometheus_client import CollectorRegistry

from ingest_env import EXPERIMENT, Bench
from mymonit.audit import AuditTrail
from mymonit.domain.dedup import dedup_key
from mymonit.domain.timestamps import EPOCH
from mymonit.ingest.broker import adapter_parameters
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology
from mymonit.producers.label_options import sensor_names
from mymonit.producers.publisher import ConfirmedPublisher
from mymonit.producers.sources import synthetic_samples
from mymonit.producers.stream import MeasureStream

HERTZ = 10  # type_id of hertz in the migrations
# The labelled cases: every measure with a sensor (1,000 in turn, as `--sensors 1000`) and two tags.
SENSORS = sensor_names("sensor", 1_000)
TAGS = {"rig": "r1", "site": "bench"}
_INSERT = ("INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key) VALUES (%s, %s, %s, %s, %s)"
           " ON DUPLICATE KEY UPDATE dedup_key = dedup_key")


def prefill(bench: Bench, topology: Topology, messages: int, batch: int, *, labelled: bool = False) -> float:
    """Publish `messages` messages of `batch` measures with the adapter (`labelled`: each with a sensor
    of `SENSORS` in turn and the `TAGS`, as `mymonit publish synthetic --sensors 1000 --tag ...`);
    returns messages/s with confirms."""
    bench.declare(topology)
    settings = bench.settings
    parameters = adapter_parameters(settings)
    publisher = ConfirmedPublisher(parameters, topology.exchange, topology.routing_key)
    started = time.perf_counter()
    samples = (synthetic_samples(messages * batch, seed=1, sensors=SENSORS, tags=TAGS) if labelled
               else synthetic_samples(messages * batch, seed=1))
    MeasureStream(publisher, EXPERIMENT, "hertz", batch=batch).send(samples)
    publisher.close()
    rate = messages / (time.perf_counter() - started)
    channel = bench.channel()
    while channel.queue_declare(topology.queue, passive=True).method.message_count < messages:
        time.sleep(0.1)
    channel.connection.close()
    return rate


def bare(bench: Bench, topology: Topology, messages: int) -> float:
    """Consume and ack multiple every 1,000 messages, nothing else; returns seconds."""
    channel = bench.channel()
    channel.basic_qos(prefetch_count=2_000)
    started = time.perf_counter()
    for seen, (method, _properties, _body) in enumerate(channel.consume(topology.queue, inactivity_timeout=5), 1):
        if method is None:
            raise RuntimeError(f"bare consumer starved after {seen - 1} messages")
        if seen % 1_000 == 0 or seen == messages:
            channel.basic_ack(method.delivery_tag, multiple=True)
        if seen == messages:
            break
    elapsed = time.perf_counter() - started
    channel.cancel()
    channel.connection.close()
    return elapsed


def naive(bench: Bench, topology: Topology, messages: int) -> float:
    """The original's way: per message decode, one INSERT (or one executemany), commit, ack; returns seconds."""
    channel = bench.channel()
    channel.basic_qos(prefetch_count=1_000)
    database = bench.container.database()
    started, seen = time.perf_counter(), 0
    with database.connection() as connection:
        cursor = connection.cursor()
        for method, _properties, body in channel.consume(topology.queue, inactivity_timeout=5):
            if method is None:
                raise RuntimeError(f"naive consumer starved after {seen} messages")
            document = orjson.loads(body)
            rows = [_row(bench, item) for item in (document if isinstance(document, list) else [document])]
            cursor.executemany(_INSERT, rows)
            connection.commit()
            channel.basic_ack(method.delivery_tag)
            seen += 1
            if seen == messages:
                break
        cursor.close()
    elapsed = time.perf_counter() - started
    channel.cancel()
    channel.connection.close()
    return elapsed


def _row(bench: Bench, item: dict[str, object]) -> tuple[object, ...]:
    moment = EPOCH + timedelta(seconds=float(item["timestamp"]))  # type: ignore[arg-type]
    value = float(item["value"])  # type: ignore[arg-type]
    key = dedup_key(str(item["experiment"]), str(item["measure"]), moment, value, str(item["id"]))
    return bench.experiment_id, HERTZ, moment.replace(tzinfo=None), value, key


def listener(bench: Bench, topology: Topology, measures: int) -> float:
    """Our RabbitListener, until `measures` new rows are committed; returns seconds."""
    settings = bench.settings.model_copy(update={
        "RABBIT_EXCHANGE": topology.exchange, "RABBIT_QUEUE": topology.queue, "RABBIT_ROUTING": topology.routing_key,
    })
    metrics = ConsumerMetrics(CollectorRegistry())
    consumer = bench.container.rabbit_listener(settings=settings, ingest=IngestSettings(), metrics=metrics,
                                               trail=AuditTrail(logging.getLogger("bench")))
    thread = threading.Thread(target=consumer.run, name="bench-listener")
    thread.start()
    # Timed from the moment it consumes, as (b) is timed once its channel is open: connecting over
    # TLS, declaring the topology and loading the names happen once per process, not per message.
    if not consumer.ready.wait(timeout=30):
        raise RuntimeError("the listener did not start consuming within 30 s")
    started = time.perf_counter()
    while metrics.stored._value.get() + metrics.duplicates._value.get() < measures:  # noqa: SLF001
        if not thread.is_alive():
            raise RuntimeError("the listener stopped")
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    consumer.parts.stop.request()
    thread.join()
    return elapsed



def rolled_up_after(bench: Bench, grace: float, timeout: float = 300.0) -> tuple[float, int]:
    """Once the listener has stored everything: seconds until the rollup worker has rolled up every
    minute that had closed by then (ended `grace` seconds ago), and the measures of those minutes,
    checked to be what the rollups count."""
    closed = int(time.time() - grace) // 60
    started = time.perf_counter()

    def left(connection: object) -> int:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("SELECT COUNT(*) FROM rollup_dirty WHERE minute < %s", (closed,))
        return int(cursor.fetchall()[0][0])

    database = bench.container.database()
    while database.run(left):
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"the rollup worker did not catch up within {timeout:.0f} s")
        time.sleep(0.05)
    waited = time.perf_counter() - started

    def counts(connection: object) -> tuple[int, int]:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("SELECT (SELECT COUNT(*) FROM measures WHERE ts < '1970-01-01' + INTERVAL %s MINUTE),"
                       " (SELECT COALESCE(SUM(n), 0) FROM rollup_minute WHERE minute < %s)", (closed, closed))
        stored, rolled = cursor.fetchall()[0]
        return int(stored), int(rolled)

    stored, rolled = database.run(counts)
    if stored != rolled:
        raise SystemExit(f"the rollups count {rolled:,} measures of the closed minutes, the table {stored:,}")
    return waited, stored
