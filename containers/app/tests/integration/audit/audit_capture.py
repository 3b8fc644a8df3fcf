"""Logging configured as in production, with everything that leaves the process captured.

`configure_logging` installs the console handler (into a StringIO) and the spool handler, with
the spool directory in tmp_path; `finish` closes them and ships the spool with a real `Shipper`
to a Logstash stand-in (tests/support/logstash_standin.py), as `mymonit ship-audit` would. Audit
events are in the spool as soon as `emit` returns, so nothing is waited for: the shipper's
passes run until the spool is empty.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from mymonit.audit import AuditTrail, configure_logging, reset_logging
from mymonit.config import Settings
from tests.support.json_lines import read_json_lines
from tests.support.logstash_standin import LogstashStandIn
from tests.support.shipping import ship_everything


def quiet_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)


def spooling(settings: Settings, spool: Path, port: int) -> Settings:
    """`settings` with the spool in `spool` and Logstash at 127.0.0.1:`port`."""
    return settings.model_copy(update={"LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": port,
                                       "AUDIT_SPOOL_DIR": str(spool)})


@dataclass(frozen=True)
class Captured:
    wire: list[bytes]  # every request body the Logstash stand-in received
    documents: list[dict[str, object]]  # what it stored, one per log_id
    console: str  # everything the console handler wrote

    def audit_events(self) -> list[dict[str, object]]:
        return [event for event in self.documents if "event" in event]

    def console_audit_events(self) -> list[dict[str, object]]:
        return [event for event in read_json_lines(self.console.encode()) if "event" in event]

    def leaked(self, canaries: dict[str, str]) -> list[str]:
        """Each canary found anywhere in the output, by name, with where it was (itself masked)."""
        wire = "\n".join(json.dumps(json.loads(body)) for body in self.wire)  # \\u escapes decoded too
        text = b"\n".join(self.wire).decode("utf-8") + "\n" + wire + "\n" + self.console
        found = []
        for name, value in canaries.items():
            at = text.find(value)
            if at >= 0:
                context = text[max(at - 120, 0) : at + len(value) + 40].replace(value, f"<{name}>")
                found.append(f"{name}: ...{context}...")
        return found


class AuditCapture:
    """Installed at construction; `finish` ships the spool and uninstalls."""

    def __init__(self, settings: Settings, spool: Path) -> None:
        self.listener = LogstashStandIn()
        self.console = io.StringIO()
        self.spool = spool
        self.trail: AuditTrail = configure_logging(spooling(settings, spool, self.listener.port), stream=self.console)
        self._root_level = logging.getLogger().level

    def finish(self, audit_events: int) -> Captured:
        """Stop capturing, ship the spool, and check that `audit_events` audit records arrived."""
        reset_logging()
        ship_everything(self.spool, self.listener.port)
        captured = Captured(self.listener.bodies(), self.listener.stored(), self.console.getvalue())
        self.close()
        assert len(captured.audit_events()) >= audit_events, (
            f"{len(captured.audit_events())} of {audit_events} audit events delivered")
        return captured

    def close(self) -> None:
        """Restore logging and stop the stand-in; idempotent."""
        reset_logging()
        logging.getLogger().setLevel(self._root_level)
        self.listener.close()
