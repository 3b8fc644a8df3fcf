"""Fakes of the clock and of the database's liveness probe."""

from __future__ import annotations


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeDatabase:
    """Stands in for `storage.database.Database` where the app only asks whether it answers."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def ping(self) -> bool:
        return self.ready


class FakeAccessStamp:
    """The access stamp in memory; `advances` counts the changes announced."""

    def __init__(self) -> None:
        self.advances = 0

    def current(self) -> int:
        return self.advances

    def advance(self) -> None:
        self.advances += 1
