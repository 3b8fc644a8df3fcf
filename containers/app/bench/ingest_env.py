"""The ingest benchmark's environment: the .env of run-infra.sh, its own database and vhost, unique names."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import mysql.connector
import pika

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.ingest.broker import connection_parameters
from mymonit.ingest.topology import Topology, declare

ROOT = Path(__file__).resolve().parents[3]
DATABASE = "my_monit_bench_ingest"
VHOST = "mymonit_test"
EXPERIMENT = "bench-ingest"


def _env_file() -> dict[str, str]:
    values = {}
    for raw in (ROOT / ".env").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass
class Bench:
    settings: Settings
    container: Container
    prefix: str
    experiment_id: int

    def topology(self, name: str) -> Topology:
        queue = f"{self.prefix}.{name}"
        return Topology(self.prefix, queue, queue)

    def channel(self) -> pika.adapters.blocking_connection.BlockingChannel:
        return pika.BlockingConnection(connection_parameters(self.settings)).channel()

    def declare(self, topology: Topology) -> None:
        channel = self.channel()
        declare(channel, topology)
        channel.queue_purge(topology.queue)
        channel.connection.close()

    def cleanup(self, topologies: list[Topology]) -> None:
        channel = self.channel()
        for topology in topologies:
            for queue in (topology.queue, topology.dead_queue):
                channel.queue_delete(queue)
        for exchange in (self.prefix, f"{self.prefix}.dead"):
            channel.exchange_delete(exchange)
        channel.connection.close()

    def stored(self) -> int:
        def count(connection: object) -> int:
            cursor = connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("SELECT COUNT(*) FROM measures")
            return int(cursor.fetchall()[0][0])

        return self.container.database().run(count)


def prepare(plain: bool) -> Bench:
    """Export .env with the bench's overrides, recreate the bench database, create its experiment."""
    for key, value in _env_file().items():
        os.environ.setdefault(key, value)
    os.environ.update(DB_DATABASE=DATABASE, RABBIT_VHOST=VHOST, LOGSTASH_HOST="", CONSUMER_METRICS_PORT="0")
    if plain:
        os.environ["RABBIT_URL"] = "amqp://127.0.0.1:5672"
    settings = Settings()
    connection = mysql.connector.connect(host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
                                         password=settings.DB_PASSWORD.get_secret_value())
    cursor = connection.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{DATABASE}`")
    cursor.execute(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    connection.close()
    container = Container(settings=settings)
    container.migrator().upgrade()
    experiment = container.experiment_repository().add(EXPERIMENT)
    return Bench(settings, container, f"mymonit.bench-{secrets.token_hex(4)}", experiment.experiment_id)
