"""Logging configured as in production, with everything that leaves the process captured.

`configure_logging` installs the console handler (into a StringIO) and the Logstash handler with
its spool, pointed at a real TCP listener standing in for Logstash. The library's polling
intervals are shortened so delivery takes a fraction of a second.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest
from logstash_async.constants import constants
from logstash_standin import LogstashStandIn, eventually, read_json_lines

from mymonit.audit import AuditTrail, configure_logging, reset_logging
from mymonit.config import Settings


def speed_up_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    monkeypatch.setattr(constants, "QUEUE_CHECK_INTERVAL", 0.05)
    monkeypatch.setattr(constants, "QUEUED_EVENTS_FLUSH_INTERVAL", 0.1)
    monkeypatch.setattr(constants, "SOCKET_TIMEOUT", 1.0)


@dataclass(frozen=True)
class Captured:
    wire: bytes  # every byte the Logstash stand-in received
    console: str  # everything the console handler wrote

    def audit_events(self) -> list[dict[str, object]]:
        return [event for event in read_json_lines(self.wire) if "event" in event]

    def console_audit_events(self) -> list[dict[str, object]]:
        return [event for event in read_json_lines(self.console.encode()) if "event" in event]

    def leaked(self, canaries: dict[str, str]) -> list[str]:
        """Each canary found anywhere in the output, by name, with where it was (itself masked)."""
        text = self.wire.decode("utf-8") + "\n" + self.console
        found = []
        for name, value in canaries.items():
            at = text.find(value)
            if at >= 0:
                context = text[max(at - 120, 0) : at + len(value) + 40].replace(value, f"<{name}>")
                found.append(f"{name}: ...{context}...")
        return found


class AuditCapture:
    """Installed at construction; `finish` waits for delivery and uninstalls."""

    def __init__(self, settings: Settings, spool: Path) -> None:
        self.listener = LogstashStandIn()
        self.console = io.StringIO()
        pointed = settings.model_copy(update={"LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": self.listener.port})
        self.trail: AuditTrail = configure_logging(pointed, spool_path=str(spool), stream=self.console)
        self._root_level = logging.getLogger().level

    def finish(self, audit_events: int, timeout: float = 15.0) -> Captured:
        """Wait until `audit_events` audit records reached the stand-in, then stop capturing."""
        delivered = eventually(lambda: len(self.listener.audit_events()) >= audit_events, timeout)
        self.close()
        assert delivered, f"{len(self.listener.audit_events())} of {audit_events} audit events delivered"
        return Captured(self.listener.data(), self.console.getvalue())

    def close(self) -> None:
        """Flush what is left (reset_logging closes the handler), restore logging; idempotent."""
        reset_logging()
        logging.getLogger().setLevel(self._root_level)
        self.listener.close()
