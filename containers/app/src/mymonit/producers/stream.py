"""From samples to AMQP messages: ids, arrays, and the report of what was skipped."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from mymonit.producers.sources import Sample, Skipped


class Publisher(Protocol):
    def publish(self, body: bytes, message_id: str) -> None:
        """Queue one message; may block while too many await their confirm."""
        ...


@dataclass
class Report:
    measures: int = 0
    messages: int = 0
    skipped: list[Skipped] = field(default_factory=list)


class MeasureStream:
    """Publishes samples as messages of `batch` measures (1: a bare object, as the original did).

    Every measure carries `id` = `<run id>-<sequence>`, so a message resent after a broker failure
    is stored once, and its sample's `sensor` and `tags` when it has them: a measure without labels
    is the very object it was before series existed. An array may mix sensors. `progress(n)` is
    called with the number of lines consumed since the last call.
    """

    def __init__(self, publisher: Publisher, experiment: str, measure: str, *, batch: int = 1,
                 run_id: str | None = None) -> None:
        self._publisher = publisher
        self._experiment = experiment
        self._measure = measure
        self._batch = max(1, batch)
        self._run_id = run_id or uuid.uuid4().hex[:12]
        self._sequence = 0

    def send(self, samples: Iterable[Sample | Skipped], progress: Callable[[int], None] | None = None) -> Report:
        report = Report()
        pending: list[dict[str, object]] = []
        for sample in samples:
            if progress is not None:
                progress(1)
            if isinstance(sample, Skipped):
                report.skipped.append(sample)
                continue
            pending.append(self._measure_of(sample))
            if len(pending) >= self._batch:
                self._flush(pending, report)
        self._flush(pending, report)
        return report

    def _measure_of(self, sample: Sample) -> dict[str, object]:
        self._sequence += 1
        measure: dict[str, object] = {
            "experiment": self._experiment, "measure": sample.measure or self._measure,
            "value": sample.value, "timestamp": sample.timestamp, "id": f"{self._run_id}-{self._sequence}"}
        if sample.sensor is not None:
            measure["sensor"] = sample.sensor
        if sample.tags:
            measure["tags"] = sample.tags
        return measure

    def _flush(self, pending: list[dict[str, object]], report: Report) -> None:
        if not pending:
            return
        body = orjson.dumps(pending[0] if self._batch == 1 else pending)
        self._publisher.publish(body, str(pending[0]["id"]))
        report.messages += 1
        report.measures += len(pending)
        pending.clear()
