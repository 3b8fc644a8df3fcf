"""The consumer that runs during migration 0004: today's RabbitListener as an older release ran it.

Before series existed the consumer inserted the columns of schema version 3 and knew no series.
During a rolling upgrade that older release keeps consuming while `mymonit db upgrade` runs, and
its rows land in series 0, for the migration's data step to sweep. The stand-in is the current
listener (same pika loop, decoder, batching and acks) with that older writer's INSERT
(`Version3Writer`) and every measure in series 0 (`NoSeries`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import mysql.connector
from prometheus_client import CollectorRegistry

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import build_listener
from mymonit.domain.errors import Unavailable
from mymonit.domain.series import Labels
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.errors import BatchRefused
from mymonit.ingest.ports import NewMeasure, PreparedRows
from mymonit.ingest.settings import IngestSettings
from mymonit.storage.database import Database
from mymonit.storage.ingest_names import MySqlNameSource
from mymonit.storage.session import Connection

_INSERT = "INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key) VALUES "
_ON_DUPLICATE = " ON DUPLICATE KEY UPDATE dedup_key = dedup_key"
_RETRYABLE = {1205, 1213}  # lock wait timeout, deadlock: the listener retries the batch


class Version3Writer:
    """`MeasureSink` with the INSERT of schema version 3: no `series_id` (the column's default, 0)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        values = []
        for experiment_id, type_id, micros, value, key, _series in measures:
            whole, fraction = divmod(micros, 1_000_000)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(whole))
            values.append("(%d,%d,'%s.%06d',%r,%d)" % (experiment_id, type_id, stamp, fraction, value, key))  # noqa: UP031
        return PreparedRows(measures, ",".join(values))

    def write(self, rows: PreparedRows) -> int:
        if not rows.measures:
            return 0
        sql = _INSERT + rows.form + _ON_DUPLICATE

        def work(connection: Connection) -> int:
            return connection.execute(sql)

        try:
            return self._db.run(work)
        except mysql.connector.Error as error:
            if error.errno in _RETRYABLE:
                raise Unavailable(f"the insert must be retried: {error.msg}") from error
            raise BatchRefused(f"the database refused the rows (error {error.errno})") from error


class NoSeries:
    """`SeriesStore` of a release without series: every measure is in series 0."""

    def ensure(self, experiment_id: int, wanted: Sequence[tuple[int, Labels]], limit: int) -> list[int]:
        del experiment_id, limit
        return [0] * len(wanted)


class OlderConsumer:
    """The stand-in listener in a thread, from entering until `stop()` (or leaving)."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.metrics = ConsumerMetrics(CollectorRegistry())
        self._listener = build_listener(settings, IngestSettings(), Version3Writer(database),
                                        MySqlNameSource(database), NoSeries(), AuditTrail(logging.getLogger("bench")),
                                        self.metrics)
        self._thread = threading.Thread(target=self._listener.run, name="bench-older-consumer")

    def __enter__(self) -> OlderConsumer:
        self._thread.start()
        if not self._listener.ready.wait(timeout=30):
            self.stop()
            raise RuntimeError("the consumer did not start consuming within 30 s")
        return self

    def handled(self) -> int:
        """Measures committed so far, new or skipped as duplicates."""
        return int(self.metrics.stored._value.get() + self.metrics.duplicates._value.get())  # noqa: SLF001

    def counter(self, name: str) -> int:
        """A counter's total over all its labels (`failures` has one per component)."""
        families = getattr(self.metrics, name).collect()
        return int(sum(s.value for family in families for s in family.samples if s.name.endswith("_total")))

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._listener.parts.stop.request()
        self._thread.join()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._thread.is_alive():
            self.stop()
