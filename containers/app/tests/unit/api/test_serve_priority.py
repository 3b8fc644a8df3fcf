"""`mymonit serve` lowers its own CPU priority by REST_NICE before granian forks the workers, which
inherit it (docs/configuration.md, Priority)."""

from __future__ import annotations

import pytest

from mymonit import server
from mymonit.config import Settings


class _Granian:
    def __init__(self, events: list[str]) -> None:
        self._events = events

    def serve(self) -> None:
        self._events.append("serve")


def test_the_api_takes_its_niceness_before_its_workers_start(monkeypatch: pytest.MonkeyPatch,
                                                             settings: Settings) -> None:
    events: list[str] = []
    monkeypatch.setattr(server.os, "nice", lambda increment: events.append(f"nice {increment}"))
    monkeypatch.setattr(server, "api_server", lambda *_: _Granian(events))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "unused")

    server.serve(settings.model_copy(update={"REST_NICE": 7}))

    assert events == ["nice 7", "serve"]

