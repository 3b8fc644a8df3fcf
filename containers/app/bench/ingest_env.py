"""The ingest benchmark's environment: the .env of run-infra.sh, its own database and vhost, unique names."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import pika

from bench_settings import NO_AUDIT_SPOOL, read_env_file, recreate_database
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.series import labels
from mymonit.ingest.broker import connection_parameters
from mymonit.ingest.topology import Topology, declare

DATABASE = "my_monit_bench_ingest"
VHOST = "mymonit_test"
EXPERIMENT = "bench-ingest"


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

    def ensure_series(self, type_id: int, sensors: tuple[str, ...], tags: dict[str, str]) -> None:
        """Create these series up front, so that no timed round pays for their creation."""
        wanted = [(type_id, labels(sensor, tags)) for sensor in sensors]
        limit = self.container.ingest_settings().MAX_SERIES_PER_EXPERIMENT
        self.container.series_store().ensure(self.experiment_id, wanted, limit)

    def stored(self) -> int:
        def count(connection: object) -> int:
            cursor = connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("SELECT COUNT(*) FROM measures")
            return int(cursor.fetchall()[0][0])

        return self.container.database().run(count)


def prepare(plain: bool) -> Bench:
    """Export .env with the bench's overrides, recreate the bench database, create its experiment."""
    for key, value in read_env_file().items():
        os.environ.setdefault(key, value)
    os.environ.update(DB_DATABASE=DATABASE, RABBIT_VHOST=VHOST, CONSUMER_METRICS_PORT="0", **NO_AUDIT_SPOOL)
    if plain:  # the adapter's fill too, which otherwise goes to ADAPTER_URL (AMQPS in .env)
        os.environ["RABBIT_URL"] = os.environ["ADAPTER_URL"] = "amqp://127.0.0.1:5672"
    settings = Settings()
    recreate_database(settings, DATABASE)
    container = Container(settings=settings)
    container.migrator().upgrade()
    experiment = container.experiment_repository().add(EXPERIMENT)
    return Bench(settings, container, f"mymonit.bench-{secrets.token_hex(4)}", experiment.experiment_id)
