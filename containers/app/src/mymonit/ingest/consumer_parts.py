"""Everything a consumer session needs, built once by the listener and shared across reconnections."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mymonit.audit import AuditTrail
from mymonit.ingest.assembler import MeasureAssembler
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.lifecycle import Liveness, StopFlag
from mymonit.ingest.ports import MeasureSink
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology


@dataclass(frozen=True)
class ConsumerParts:
    topology: Topology
    settings: IngestSettings
    assembler: MeasureAssembler
    sink: MeasureSink
    metrics: ConsumerMetrics
    trail: AuditTrail
    stop: StopFlag = field(default_factory=StopFlag)
    liveness: Liveness = field(default_factory=lambda: Liveness(None))
    clock: Callable[[], float] = time.monotonic
