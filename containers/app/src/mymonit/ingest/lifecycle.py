"""Stopping, liveness and back-off: the small state machines around the consumer loop."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType


class StopFlag:
    """Set by a signal handler or another thread, read by the loop between messages.

    The handler does nothing but assign a bool, so it is safe whatever the loop was doing.
    """

    def __init__(self) -> None:
        self._requested = False

    @property
    def requested(self) -> bool:
        return self._requested

    def request(self) -> None:
        self._requested = True

    def install(self, signals: Iterable[signal.Signals] = (signal.SIGTERM, signal.SIGINT)) -> None:
        """Make these signals request a stop (main thread only)."""
        for number in signals:
            signal.signal(number, self._on_signal)

    def _on_signal(self, _number: int, _frame: FrameType | None) -> None:
        self._requested = True

    def sleep(self, seconds: float, step: float = 0.1) -> None:
        """Sleep up to `seconds`, returning early once a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self._requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(step, left))


class Liveness:
    """Touches `path` at most once per `every` seconds, so `find PATH -mmin -1` tells the loop turns.

    With no path it does nothing. A failure to touch is not fatal (the healthcheck will say so).
    """

    def __init__(self, path: str | None, clock: Callable[[], float] = time.monotonic, every: float = 1.0) -> None:
        self._path = Path(path) if path else None
        self._clock = clock
        self._every = every
        self._last = float("-inf")

    def beat(self) -> None:
        if self._path is None:
            return
        now = self._clock()
        if now - self._last >= self._every:
            self._last = now
            try:
                self._path.touch()
            except OSError:
                self._last = float("-inf")


class Backoff:
    """Exponential delays with jitter: first `initial`, doubling up to `maximum`; `reset()` after a success."""

    def __init__(self, initial: float = 0.2, maximum: float = 5.0, jitter: Callable[[], float] = random.random) -> None:
        self._initial = initial
        self._maximum = maximum
        self._jitter = jitter
        self._next = initial

    def delay(self) -> float:
        current = self._next
        self._next = min(self._maximum, current * 2)
        return current * (0.5 + self._jitter() / 2)

    def reset(self) -> None:
        self._next = self._initial
