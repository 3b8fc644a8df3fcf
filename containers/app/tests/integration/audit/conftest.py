"""Fixtures of the audit canaries: a Logstash stand-in that captures what leaves the process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mymonit.config import Settings
from tests.integration.audit.audit_capture import AuditCapture, quiet_level


@pytest.fixture
def capture(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AuditCapture]:
    quiet_level(monkeypatch)
    capture = AuditCapture(settings, tmp_path / "spool")
    yield capture
    capture.close()
