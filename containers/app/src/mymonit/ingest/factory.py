"""Builds a RabbitListener from the settings and the storage ports (called by the container)."""

from __future__ import annotations

import time

import pika

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.ingest.assembler import MeasureAssembler
from mymonit.ingest.broker import connection_parameters
from mymonit.ingest.decoder import Limits
from mymonit.ingest.lifecycle import Liveness, StopFlag
from mymonit.ingest.listener import RabbitListener
from mymonit.ingest.metrics import ConsumerMetrics
from mymonit.ingest.names import NameResolver, NameSource
from mymonit.ingest.parts import ConsumerParts
from mymonit.ingest.ports import MeasureSink
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology


def limits(ingest: IngestSettings) -> Limits:
    return Limits(max_body_bytes=ingest.INGEST_MAX_BODY_BYTES, max_measures=ingest.INGEST_MAX_MEASURES,
                  max_future_seconds=ingest.INGEST_MAX_FUTURE_SECONDS)


def build_listener(settings: Settings, ingest: IngestSettings, sink: MeasureSink, names: NameSource,
                   trail: AuditTrail, metrics: ConsumerMetrics, stop: StopFlag | None = None) -> RabbitListener:
    """A listener on RABBIT_QUEUE with the service's broker account; `stop` ends its `run()`."""
    resolver = NameResolver(names, time.monotonic, ingest.INGEST_NAMES_RELOAD_SECONDS)
    parts = ConsumerParts(
        topology=Topology.from_settings(settings), settings=ingest,
        assembler=MeasureAssembler(resolver, limits(ingest)), sink=sink, metrics=metrics, trail=trail,
        stop=stop or StopFlag(), liveness=Liveness(ingest.CONSUMER_LIVENESS_FILE),
    )
    return RabbitListener(lambda: pika.BlockingConnection(connection_parameters(settings)), parts)
