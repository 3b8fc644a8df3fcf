"""The Logstash worker thread: survives a busy spool, keeps its warnings few, forgets a forked socket."""

from __future__ import annotations

import io
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from logstash_async.constants import constants
from logstash_standin import LogstashStandIn, eventually
from pydantic import SecretStr

from mymonit.audit import AuditEvent, configure_logging, reset_logging
from mymonit.audit.delivery import SpoolingLogstashHandler, _Throttle
from mymonit.audit.forking import installed_handlers
from mymonit.config import Settings


@pytest.fixture(autouse=True)
def fast_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    monkeypatch.setattr(constants, "QUEUE_CHECK_INTERVAL", 0.05)
    monkeypatch.setattr(constants, "QUEUED_EVENTS_FLUSH_INTERVAL", 0.1)
    monkeypatch.setattr(constants, "DATABASE_TIMEOUT", 0.05)
    yield
    reset_logging()


def settings_for(port: int) -> Settings:
    return Settings.model_construct(DB_PASSWORD=SecretStr("db-worker-1"), RABBIT_PASSWORD=SecretStr("rb-worker-1"),
                                    ADAPTER_PASSWORD=None, LOGSTASH_HOST="127.0.0.1", LOGSTASH_PORT=port)


def test_a_worker_started_while_another_process_locks_the_spool_waits_instead_of_dying(tmp_path: Path) -> None:
    spool, listener = tmp_path / "spool.db", LogstashStandIn()
    other_process = sqlite3.connect(spool, isolation_level=None)
    other_process.execute("BEGIN EXCLUSIVE")
    try:
        trail = configure_logging(settings_for(listener.port), spool_path=str(spool), stream=io.StringIO())
        trail.emit(AuditEvent.SERVICE_STARTED)
        time.sleep(0.3)  # several lock timeouts while the worker sets up
        worker_alive = SpoolingLogstashHandler._worker_thread.is_alive()
        other_process.execute("COMMIT")
        delivered = eventually(lambda: len(listener.audit_events()) == 1)
    finally:
        other_process.close()
        reset_logging()
        listener.close()

    assert worker_alive
    assert delivered


@pytest.mark.parametrize(
    ("levels", "passed"),
    [
        ([logging.WARNING, logging.WARNING, logging.ERROR], [logging.WARNING]),
        ([logging.INFO, logging.DEBUG, logging.WARNING, logging.INFO], [logging.INFO, logging.DEBUG,
                                                                        logging.WARNING, logging.INFO]),
    ],
)
def test_the_throttle_lets_one_warning_through_per_interval(levels: list[int], passed: list[int]) -> None:
    throttle = _Throttle(interval=60.0)
    records = [logging.LogRecord("SpoolingWorker", level, __file__, 1, "x", (), None) for level in levels]

    assert [r.levelno for r in records if throttle.filter(r)] == passed


def test_a_forked_child_drops_the_socket_its_parent_was_sending_on(tmp_path: Path) -> None:
    configure_logging(settings_for(1), spool_path=str(tmp_path / "spool.db"), stream=io.StringIO())
    (handler,) = [h for h in installed_handlers() if isinstance(h, SpoolingLogstashHandler)]
    inherited = socket.socket()
    handler._transport._sock = inherited

    handler.forget_inherited_socket()

    assert handler._transport._sock is None
    assert inherited.fileno() == -1  # closed in this process; a parent's copy would stay open
