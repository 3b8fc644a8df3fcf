"""Benchmark of the alert evaluator: one cycle of 10,000 rules over 10,000 series, idle and while
ingest runs, and the time from a crossing measure's publisher confirm to its webhook.

    cd containers/app && ../../.venv/bin/python bench/alerts.py [--series 10000] [--crossings 100]
        [--interval 10] [--ingest-rate 50000] [--steady-rate 2000]

Needs ./run-infra.sh. It works on a database of its own (my_monit_bench_alerts, recreated): one
experiment with `--series` sensors of one measure type, one rule per sensor (`last`, `mean`,
`max`, `min` in turn, above a threshold, a 60 s window, each with a webhook to a receiver of the
bench), and a trickle that gives every series a measure every 10 s (1,000 measures/s at 10,000
series). Then:

1. cycles idle: the evaluator in this process (the first cycle creates the alerts);
2. cycles while ingest runs: `mymonit consume` storing what `mymonit publish synthetic` sends as
   fast as it can (`--ingest-rate`), beside the trickle (ingest's rate alone first, for 10 s: the
   baseline of what the cycles leave it);
3. crossings, while the adapter sends `--steady-rate` measures/s (a rate the consumer keeps up
   with: a queue that backs up would time its backlog, not alerting): `mymonit alerts`
   (ALERT_INTERVAL `--interval`) and a consumer of the bench's queue run; `--crossings` measures
   above the threshold, each on its own sensor (of a `mean` or `max` rule), are published with
   publisher confirms at random moments over three intervals; each one's latency runs from its
   confirm to the arrival of its `firing` webhook at the receiver.

Targets (issue: alerts): a cycle ≤ 2 s while ingest runs (the median of `--cycles`); crossing →
webhook p99 ≤ interval + 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime

import pika

from alerts_world import CROSSING, EXPERIMENT, MEASURE, AlertWorld, Trickle, crossable, sensor, wait_until
from api_load_ingest import Ingest
from api_load_stack import INGEST_ENV
from bench_settings import Receiver, load_bench_settings, webhook_receiver
from serve_process import Background

CYCLE_TARGET_SECONDS = 2.0
SECRET = "bench-webhook-secret"  # noqa: S105  # nosec B105  # the bench's own receiver checks nothing


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--crossings", type=int, default=100)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--ingest-rate", type=int, default=50_000, help="the adapter's rate beside the cycles")
    parser.add_argument("--steady-rate", type=int, default=2_000, help="the adapter's rate beside the crossings")
    return parser.parse_args()


def cycles(world: AlertWorld, count: int) -> list[float]:
    evaluator = world.container.alert_evaluator()
    return [evaluator.cycle().seconds for _ in range(count)]


def describe(name: str, seconds: list[float]) -> str:
    return (f"{name:<32} median {statistics.median(seconds):6.3f} s   max {max(seconds):6.3f} s"
            f"   ({len(seconds)} cycles)")


def publish_crossings(world: AlertWorld, count: int, spread: float) -> dict[str, float]:
    """Each crossing's sensor and the moment its publisher confirm arrived."""
    settings = world.settings.model_copy(update={"RABBIT_VHOST": INGEST_ENV["RABBIT_VHOST"]})
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url()))
    channel = connection.channel()
    channel.confirm_delivery()
    chosen = random.sample([i for i in range(len(world.series_ids)) if crossable(i)], count)
    moments = sorted(random.uniform(0, spread) for _ in chosen)
    started, confirmed = time.monotonic(), {}
    try:
        for index, at in zip(chosen, moments, strict=True):
            time.sleep(max(0.0, started + at - time.monotonic()))
            body = {"experiment": EXPERIMENT, "measure": MEASURE, "sensor": sensor(index), "value": CROSSING,
                    "timestamp": datetime.now(UTC).timestamp()}
            channel.basic_publish(INGEST_ENV["RABBIT_EXCHANGE"], INGEST_ENV["RABBIT_ROUTING"], json.dumps(body),
                                  pika.BasicProperties(content_type="application/json", delivery_mode=2),
                                  mandatory=True)
            confirmed[sensor(index)] = time.time()
    finally:
        connection.close()
    return confirmed


def latencies(receiver: Receiver, confirmed: dict[str, float]) -> list[float]:
    found = []
    for got in receiver.accepted():
        alert = got.payload["alerts"][0]
        name = alert["labels"].get("sensor")
        if got.payload["status"] == "firing" and name in confirmed:
            found.append(got.arrived - confirmed[name])
    return found


def crossing_latency(world: AlertWorld, receiver: Receiver, args: argparse.Namespace) -> list[float]:
    env = {**INGEST_ENV, "DB_DATABASE": world.settings.DB_DATABASE, "ALERT_INTERVAL": str(args.interval),
           "ALERT_WEBHOOK_SECRET": SECRET, "MYMONIT_ENV": "development"}
    with Background("alerts", env=env) as evaluator:
        # The first cycle of the process makes the alerts of the new rules' pairs: let it pass.
        time.sleep(args.interval * 1.5)
        confirmed = publish_crossings(world, args.crossings, spread=3 * args.interval)
        wait_until(lambda: len(latencies(receiver, confirmed)) >= len(confirmed), timeout=3 * args.interval + 30)
        if not evaluator.alive():
            raise RuntimeError(f"mymonit alerts exited: {evaluator.log_tail()}")
    return latencies(receiver, confirmed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    args = parse_args()
    settings = load_bench_settings()
    print(f"setting up {args.series:,} series and rules …", flush=True)
    world = AlertWorld(settings, args.series)
    with webhook_receiver() as receiver:
        world.add_rules(receiver.url)
        world.fill(seconds=60, every=10)
        with Trickle(world, every=10.0):
            first = cycles(world, 1)
            idle = cycles(world, args.cycles)
            with Ingest(world.settings.DB_DATABASE, rate=args.ingest_rate) as ingest:
                _, alone = ingest.rate_while(lambda: time.sleep(10))
                loaded, rate = ingest.rate_while(lambda: cycles(world, args.cycles))
            # A queue that backs up would time the backlog, not alerting: a rate the consumer keeps up with.
            with Ingest(world.settings.DB_DATABASE, rate=args.steady_rate) as steady:
                crossed, steady_rate = steady.rate_while(lambda: crossing_latency(world, receiver, args))
    print()
    print(f"{'first cycle (creates the alerts)':<32} {first[0]:6.3f} s")
    print(describe("cycle, idle", idle))
    print(describe("cycle, while ingesting", loaded)
          + f"   ingest meanwhile {rate:,.0f} measures/s = {rate / alone:.2f} of its {alone:,.0f} alone")
    limit = args.interval + 1.0
    print(f"{'crossing → webhook':<32} p50 {percentile(crossed, 0.5):6.3f} s   p99 {percentile(crossed, 0.99):6.3f} s"
          f"   max {max(crossed, default=float('nan')):6.3f} s   ({len(crossed)} of {args.crossings} delivered,"
          f" ingest meanwhile {steady_rate:,.0f} measures/s)")
    print()
    cycle_ok = statistics.median(loaded) <= CYCLE_TARGET_SECONDS
    latency_ok = len(crossed) == args.crossings and percentile(crossed, 0.99) <= limit
    print(f"target: a cycle while ingesting ≤ {CYCLE_TARGET_SECONDS:.0f} s: {'met' if cycle_ok else 'MISSED'}"
          f" ({statistics.median(loaded) / CYCLE_TARGET_SECONDS:.2f} of the bound)")
    print(f"target: crossing → webhook p99 ≤ interval + 1 s = {limit:.0f} s: {'met' if latency_ok else 'MISSED'}")
    return 0 if len(crossed) == args.crossings else 1


if __name__ == "__main__":
    sys.exit(main())
