"""Does the API get slower while Logstash is down? Request latency per state of the Logstash handler.

Every request goes through the Flask test client (GET /users/me: token check, one database read,
one audit event) with logging configured as in production (console handler on /dev/null, Logstash
handler with its spool, python-logstash-async's default intervals). Modes:

    none          no Logstash handler (LOGSTASH_HOST unset): the baseline
    up            Logstash reachable: a listener that reads every line
    down          nothing listens: each delivery attempt is refused at once
    unresponsive  a listener that never accepts: each attempt hangs for the 5 s socket timeout

The modes run in interleaved blocks (a fresh random order each round) so background load falls on
all of them alike; each mode has a spool file of its own. Needs ./run-infra.sh (MariaDB, Auth
Emulator); uses the bench database my_monit_bench.

    cd containers/app && ../../.venv/bin/python bench/audit_latency.py [--requests 1000] [--block 200]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from audit_sinks import BlackHole, ClosedPort, ReadingSink, Sink
from bench_settings import BENCH_DATABASE, connect, load_bench_settings, wait_for_database
from caller import bench_scientist
from mymonit.api.app import create_app
from mymonit.audit import configure_logging, reset_logging
from mymonit.config import Settings
from mymonit.container import Container

MODES: dict[str, Callable[[], Sink] | None] = {
    "none": None, "up": ReadingSink, "down": ClosedPort, "unresponsive": BlackHole,
}
PATH = "/users/me"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="timed requests per mode")
    parser.add_argument("--block", type=int, default=200, help="requests per mode in one interleaved block")
    return parser.parse_args()


def prepare(settings: Settings) -> tuple[FlaskClient, dict[str, str]]:
    wait_for_database(settings)
    server = connect(settings, database=None)
    server.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{BENCH_DATABASE}` CHARACTER SET utf8mb4")
    server.close()
    container = Container(settings=settings)
    container.migrator().upgrade()
    caller = bench_scientist(container, [])
    return create_app(container).test_client(), caller.headers


def run_block(client: FlaskClient, headers: dict[str, str], settings: Settings, sink: Sink | None,
              spool: Path, count: int) -> list[float]:
    """Configure logging for the mode, time `count` requests, then close the handler (untimed)."""
    pointed = settings.model_copy(update={"LOGSTASH_HOST": "127.0.0.1" if sink else None,
                                          "LOGSTASH_PORT": sink.port if sink else settings.LOGSTASH_PORT})
    with Path(os.devnull).open("w") as console:
        configure_logging(pointed, spool_path=str(spool), stream=console)
        try:
            return [timed(client, headers) for _ in range(count)]
        finally:
            reset_logging()


def timed(client: FlaskClient, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(PATH, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {PATH} answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
    return elapsed


def held_in(spool: Path) -> int:
    """Events still waiting in a spool file (not delivered)."""
    if not spool.exists():
        return 0
    with sqlite3.connect(spool) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM event").fetchone()
    connection.close()
    return int(count)


def report(samples: dict[str, list[float]], spools: dict[str, Path], args: argparse.Namespace) -> None:
    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[98]

    none = statistics.median(samples["none"]), p99(samples["none"])
    up = statistics.median(samples["up"]), p99(samples["up"])
    print(f"\nGET {PATH} through the Flask test client, {args.requests} requests per mode "
          f"({args.requests // args.block} interleaved blocks of {args.block})")
    print(f"{'mode':<14}{'median ms':>10}{'p99 ms':>9}{'median/none':>13}{'p99/none':>10}"
          f"{'median/up':>11}{'p99/up':>8}{'held in spool':>15}")
    for mode, values in samples.items():
        median, tail = statistics.median(values), p99(values)
        print(f"{mode:<14}{median * 1000:>10.3f}{tail * 1000:>9.3f}{median / none[0]:>13.2f}{tail / none[1]:>10.2f}"
              f"{median / up[0]:>11.2f}{tail / up[1]:>8.2f}{held_in(spools[mode]):>15}")


def main() -> None:
    args = parse_args()
    settings = load_bench_settings()
    client, headers = prepare(settings)
    logging.getLogger().setLevel(logging.INFO)
    workdir = Path(tempfile.mkdtemp(prefix="mymonit-audit-bench-"))
    spools = {mode: workdir / f"{mode}.db" for mode in MODES}
    sinks = {mode: factory() if factory else None for mode, factory in MODES.items()}
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    order = list(MODES)
    for mode in order:  # warm-up: imports, connection pool, caches
        run_block(client, headers, settings, sinks[mode], spools[mode], 20)
    for round_number in range(max(1, args.requests // args.block)):
        random.Random(round_number).shuffle(order)
        for mode in order:
            samples[mode] += run_block(client, headers, settings, sinks[mode], spools[mode], args.block)
    report(samples, spools, args)
    for sink in sinks.values():
        if sink:
            sink.close()


if __name__ == "__main__":
    main()
