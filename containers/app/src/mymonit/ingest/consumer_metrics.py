"""The consumer's Prometheus figures, served on its own port (it is a process apart from the API)."""

from __future__ import annotations

import logging

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

_SIZE_BUCKETS = (1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000)
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class ConsumerMetrics:
    """Counters and histograms of one consumer, registered in `registry` (tests pass their own)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.consumed = Counter("mymonit_ingest_messages_consumed", "Messages received from the queue",
                                registry=registry)
        self.stored = Counter("mymonit_ingest_measures_stored", "New measures committed", registry=registry)
        self.duplicates = Counter("mymonit_ingest_duplicates_skipped",
                                  "Measures already stored (redeliveries, resends), skipped", registry=registry)
        self.dead_lettered = Counter("mymonit_ingest_messages_dead_lettered", "Messages sent to the dead-letter "
                                     "queue", ["reason"], registry=registry)
        self.failures = Counter("mymonit_ingest_transient_failures", "Database or broker failures retried",
                                ["component"], registry=registry)
        self.batch_size = Histogram("mymonit_ingest_batch_measures", "Measures per committed batch",
                                    buckets=_SIZE_BUCKETS, registry=registry)
        self.batch_seconds = Histogram("mymonit_ingest_batch_seconds", "From a batch's first message to its ack",
                                       buckets=_LATENCY_BUCKETS, registry=registry)
        self.queue_depth = Gauge("mymonit_ingest_queue_depth", "Messages ready in the queue, not yet delivered",
                                 ["queue"], registry=registry, multiprocess_mode="livemax")


def serve_metrics(host: str, port: int) -> None:
    """Serve the default registry on http://host:port/metrics in a daemon thread; port 0 disables.

    A port already taken is logged, not fatal: the consumer matters more than its figures.
    """
    if port == 0:
        return
    try:
        start_http_server(port, addr=host)
    except OSError as error:  # a second consumer on this host: it consumes all the same, unobserved
        log.warning("consumer metrics not served on %s:%d (%s); set CONSUMER_METRICS_PORT", host, port, error)
        return
    log.info("consumer metrics on http://%s:%d/metrics", host, port)
