"""Stop flag, liveness file, back-off and settings: the small parts around the consumer loop."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from mymonit.ingest.lifecycle import Backoff, Liveness, StopFlag
from mymonit.ingest.settings import IngestSettings


def test_sigterm_only_requests_a_stop() -> None:
    flag = StopFlag()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        flag.install([signal.SIGTERM])
        os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert flag.requested


def test_sleeping_ends_early_once_a_stop_is_requested() -> None:
    flag = StopFlag()
    flag.request()

    flag.sleep(60.0)  # would hang the test if it ignored the flag

    assert flag.requested


def test_liveness_touches_its_file_at_most_once_per_period(tmp_path: Path) -> None:
    path = tmp_path / "alive"
    now = [0.0]
    liveness = Liveness(str(path), clock=lambda: now[0], every=1.0)

    liveness.beat()
    assert path.exists()
    os.utime(path, (1, 1))
    now[0] = 0.5
    liveness.beat()
    assert path.stat().st_mtime == 1
    now[0] = 1.0
    liveness.beat()
    assert path.stat().st_mtime > 1


def test_liveness_without_a_path_does_nothing_and_an_unwritable_path_is_not_fatal(tmp_path: Path) -> None:
    Liveness(None).beat()
    Liveness(str(tmp_path / "missing-dir" / "alive")).beat()


def test_backoff_doubles_up_to_its_maximum_and_resets() -> None:
    backoff = Backoff(initial=0.2, maximum=1.0, jitter=lambda: 1.0)

    assert [backoff.delay() for _ in range(5)] == pytest.approx([0.2, 0.4, 0.8, 1.0, 1.0])
    backoff.reset()
    assert backoff.delay() == pytest.approx(0.2)


def test_prefetch_defaults_to_four_batches(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("INGEST_BATCH_SIZE", "300")

    assert IngestSettings().INGEST_PREFETCH == 1_200
    assert IngestSettings(INGEST_PREFETCH=50).INGEST_PREFETCH == 50
    assert IngestSettings().batch_seconds == pytest.approx(0.05)
