"""The load benchmark's ingest: `mymonit consume` storing what `mymonit publish synthetic` sends as
fast as it can, on the bench database and a queue of their own (api_load_stack.INGEST_ENV).

The rate is read from the consumer's own counter of committed measures on its metrics port, so
measuring it costs nothing (a COUNT(*) of the bench table would scan millions of rows).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

import requests

from api_load_cpu import tree
from api_load_stack import INGEST_ENV
from dataset import EXPERIMENTS
from serve_process import Background, free_port

T = TypeVar("T")
_STORED = "mymonit_ingest_measures_stored_total "
WARM_UP_SECONDS = 3.0


class Ingest:
    """Consumer and adapter running; `rate_while(work)` is the measures/s stored while `work` runs."""

    def __init__(self, database: str, *, rate: int) -> None:
        port = free_port()
        self._metrics = f"http://127.0.0.1:{port}/metrics"
        env = {**INGEST_ENV, "DB_DATABASE": database, "CONSUMER_METRICS_PORT": str(port)}
        self._consumer = Background("consume", env=env)
        self._adapter = Background("publish", "synthetic", "--experiment", EXPERIMENTS[1], "--measure", "hertz",
                                   "--count", "0", "--rate", str(rate), env=env)

    def __enter__(self) -> Self:
        self._consumer.__enter__()
        try:
            self._adapter.__enter__()
        except BaseException:
            self._consumer.__exit__(None, None, None)
            raise
        time.sleep(WARM_UP_SECONDS)  # the consumer reaches its pace
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._adapter.__exit__(kind, error, trace)
        self._consumer.__exit__(kind, error, trace)

    def pids(self) -> list[int]:
        return [p for process in (self._consumer, self._adapter) for p in tree(process.pid)]

    def rate_while(self, work: Callable[[], T]) -> tuple[T, float]:
        before, started = self._stored(), time.monotonic()
        result = work()
        rate = (self._stored() - before) / (time.monotonic() - started)
        if not (self._consumer.alive() and self._adapter.alive()):
            raise RuntimeError(f"ingest stopped: consumer {self._consumer.log_tail()}\n"
                               f"adapter {self._adapter.log_tail()}")
        return result, rate

    def _stored(self) -> float:
        text = requests.get(self._metrics, timeout=10).text
        return next(float(line.split()[1]) for line in text.splitlines() if line.startswith(_STORED))
