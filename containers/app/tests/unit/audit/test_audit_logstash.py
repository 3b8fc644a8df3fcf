"""Delivery to Logstash over TCP through the durable spool, against a local stand-in listener.

A plain TCP server on 127.0.0.1 plays Logstash's `json_lines` input (tests/support/
logstash_standin.py). The library's polling intervals are shortened so each test takes a second
or two at most.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from logstash_async.constants import constants
from logstash_standin import LogstashStandIn, eventually, free_port
from pydantic import SecretStr

from mymonit.audit import AuditEvent, AuditTrail, Outcome, bind_request, configure_logging, reset_logging
from mymonit.config import Settings

DB_SECRET = "db-canary-31d9"
RABBIT_SECRET = "rabbit-canary-a4f0"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ1aWQiOiJjYW5hcnkifQ.c2lnbmF0dXJl"
CANARIES = (DB_SECRET, RABBIT_SECRET, JWT, "carol@example.org")
EMIT_BUDGET_SECONDS = 0.25  # emit only enqueues; a connect attempt alone would take longer


def settings_for(port: int) -> Settings:
    return Settings.model_construct(
        DB_PASSWORD=SecretStr(DB_SECRET),
        RABBIT_PASSWORD=SecretStr(RABBIT_SECRET),
        ADAPTER_PASSWORD=None,
        LOGSTASH_HOST="127.0.0.1",
        LOGSTASH_PORT=port,
    )


def flush_handlers() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


@pytest.fixture(autouse=True)
def fast_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    monkeypatch.setattr(constants, "QUEUE_CHECK_INTERVAL", 0.05)
    monkeypatch.setattr(constants, "QUEUED_EVENTS_FLUSH_INTERVAL", 0.1)
    monkeypatch.setattr(constants, "SOCKET_TIMEOUT", 1.0)
    root_level = logging.getLogger().level
    yield
    reset_logging()
    logging.getLogger().setLevel(root_level)


@pytest.fixture
def listener() -> Iterator[LogstashStandIn]:
    server = LogstashStandIn()
    yield server
    server.close()


def emit_numbered(trail: AuditTrail, count: int) -> float:
    """Emit `count` events numbered by `seq`; return the slowest emit in seconds."""
    slowest = 0.0
    for seq in range(count):
        started = time.perf_counter()
        trail.emit(AuditEvent.INGEST_BATCH_STORED, seq=seq, experiment="exp-1")
        slowest = max(slowest, time.perf_counter() - started)
    return slowest


def test_sends_audit_events_as_json_lines_with_top_level_fields_and_no_secrets(
    listener: LogstashStandIn, tmp_path: Path
) -> None:
    trail = configure_logging(settings_for(listener.port), spool_path=str(tmp_path / "spool.db"), stream=io.StringIO())

    with bind_request("req-42", "192.0.2.10", user_id="u-5"):
        trail.emit(
            AuditEvent.API_MEASURES_READ,
            experiment="exp-1",
            dsn=f"mysql://mymonit:{DB_SECRET}@db/my_monit",
            note=f"rabbit said {RABBIT_SECRET}; token {JWT}",
            contact="carol@example.org",
        )
        trail.emit(AuditEvent.AUTH_ACCESS_DENIED, Outcome.DENIED, experiment="exp-2")
    try:
        raise ConnectionError(f"amqp://mymonit:{RABBIT_SECRET}@rabbit:5672/%2F refused")
    except ConnectionError:
        logging.getLogger("mymonit.test").exception("broker down")
    flush_handlers()

    assert eventually(lambda: len(listener.events()) >= 3)
    reset_logging()
    read, denied = listener.audit_events()
    assert (read["event"], read["outcome"], read["user_id"], read["request_id"]) == (
        "api:measures:read",
        "success",
        "u-5",
        "req-42",
    )
    assert (denied["event"], denied["outcome"], denied["level"]) == ("auth:access:denied", "denied", "WARNING")
    (failure,) = [e for e in listener.events() if e.get("message") == "broker down"]
    assert "ConnectionError: amqp://mymonit:***@rabbit:5672/%2F refused" in str(failure["extra"])
    assert not [c for c in CANARIES if c.encode() in listener.data()]
    assert (tmp_path / "spool.db").exists()


def test_holds_events_while_logstash_is_down_and_delivers_each_exactly_once(tmp_path: Path) -> None:
    port, console, count = free_port(), io.StringIO(), 25
    trail = configure_logging(settings_for(port), spool_path=str(tmp_path / "spool.db"), stream=console)

    slowest = emit_numbered(trail, count)
    assert eventually(lambda: "error occurred while sending events" in console.getvalue())
    listener = LogstashStandIn(port)
    try:
        flush_handlers()
        assert eventually(lambda: len(listener.audit_events()) >= count)
        reset_logging()
        seqs = sorted(int(str(e["seq"])) for e in listener.audit_events())
    finally:
        listener.close()

    assert slowest < EMIT_BUDGET_SECONDS
    assert seqs == list(range(count))


def test_keeps_undelivered_events_in_the_spool_across_a_restart(tmp_path: Path) -> None:
    port, spool, count = free_port(), str(tmp_path / "spool.db"), 10
    emit_numbered(configure_logging(settings_for(port), spool_path=spool, stream=io.StringIO()), count)
    time.sleep(0.2)
    reset_logging()

    listener = LogstashStandIn(port)
    try:
        trail = configure_logging(settings_for(port), spool_path=spool, stream=io.StringIO())
        trail.emit(AuditEvent.SERVICE_STARTED)
        assert eventually(lambda: len(listener.audit_events()) >= count + 1)
        reset_logging()
        events = listener.audit_events()
    finally:
        listener.close()

    assert sorted(int(str(e["seq"])) for e in events if "seq" in e) == list(range(count))
    assert [e["event"] for e in events].count("service:started") == 1
