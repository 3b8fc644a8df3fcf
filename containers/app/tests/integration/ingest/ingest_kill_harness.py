"""Runs the real `mymonit consume` wiring, but SIGKILLs itself right after the first batch commits, before its ack.

Started by test_ingest_redelivery.py with the lane's names in the environment.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence

from dependency_injector import providers

from mymonit.bootstrap import start
from mymonit.config import load_settings
from mymonit.ingest.ports import MeasureSink, NewMeasure, PreparedRows


class DieAfterCommit:
    """Wraps the real writer: the transaction commits, then the process dies before anyone can ack."""

    def __init__(self, sink: MeasureSink) -> None:
        self._sink = sink

    def prepare(self, measures: Sequence[NewMeasure]) -> PreparedRows:
        return self._sink.prepare(measures)

    def write(self, rows: PreparedRows) -> int:
        inserted = self._sink.write(rows)
        os.kill(os.getpid(), signal.SIGKILL)
        return inserted


def main() -> None:
    container = start(load_settings())  # as `mymonit consume` puts itself together
    real = container.measure_writer()
    container.measure_writer.override(providers.Object(DieAfterCommit(real)))
    container.rabbit_listener().run()


if __name__ == "__main__":
    main()
