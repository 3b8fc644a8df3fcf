"""gunicorn's loggers go through our redacting handlers; its access record hides the client."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from pydantic import SecretStr

from mymonit.audit import configure_logging, hash_client, reset_logging
from mymonit.audit.gunicorn_logger import GunicornLogger
from mymonit.config import Settings

CLIENT = "198.51.100.23"
DB_SECRET = "db-canary-5d0c"
RABBIT_SECRET = "rabbit-canary-0f1e"


def gunicorn_config(*, access_log: bool) -> Config:
    cfg = Config()
    cfg.set("logger_class", "mymonit.audit.gunicorn_logger.GunicornLogger")
    cfg.set("accesslog", "-" if access_log else None)
    return cfg


def environ(query: str = "") -> dict[str, str]:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/measures/3", "QUERY_STRING": query,
            "RAW_URI": f"/measures/3?{query}", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": CLIENT,
            "HTTP_USER_AGENT": "canary-agent/1.0", "HTTP_REFERER": "https://example.org/?email=carol@example.org"}


def response(status: str = "200 OK") -> SimpleNamespace:
    return SimpleNamespace(status=status, headers=[("Content-Type", "application/json"), ("X-Request-ID", "req-9")],
                           sent=12)


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    saved = {name: (logging.getLogger(name).propagate, list(logging.getLogger(name).handlers))
             for name in ("gunicorn.error", "gunicorn.access")}
    stream, root_level = io.StringIO(), logging.getLogger().level
    settings = Settings.model_construct(DB_PASSWORD=SecretStr(DB_SECRET), RABBIT_PASSWORD=SecretStr(RABBIT_SECRET),
                                        ADAPTER_PASSWORD=None, LOGSTASH_HOST=None)
    configure_logging(settings, stream=stream)
    yield stream
    reset_logging()
    logging.getLogger().setLevel(root_level)
    for name, (propagate, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.propagate, logger.handlers = propagate, handlers


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("console")
def test_gunicorn_loggers_keep_no_handler_of_their_own_and_propagate() -> None:
    GunicornLogger(gunicorn_config(access_log=True))

    for name in ("gunicorn.error", "gunicorn.access"):
        assert (logging.getLogger(name).handlers, logging.getLogger(name).propagate) == ([], True)


def test_gunicorn_errors_are_redacted_like_any_record(console: io.StringIO) -> None:
    log = GunicornLogger(gunicorn_config(access_log=False))

    log.error("worker failed to connect to mysql://mymonit:%s@db/my_monit", DB_SECRET)

    (record,) = lines(console)
    assert (record["logger"], record["message"]) == ("gunicorn.error", "worker failed to connect to mysql://mymonit:***@db/my_monit")


def test_the_access_record_has_the_hashed_client_and_no_query_agent_or_referer(console: io.StringIO) -> None:
    log = GunicornLogger(gunicorn_config(access_log=True))

    log.access(response(), None, environ("token=canary-query-token"), timedelta(milliseconds=12, microseconds=500))

    (record,) = lines(console)
    assert record["logger"] == "gunicorn.access"
    assert record["message"] == "GET /measures/3 200"
    assert {k: record[k] for k in ("method", "path", "status", "duration_ms", "request_id", "client")} == {
        "method": "GET", "path": "/measures/3", "status": 200, "duration_ms": 12.5, "request_id": "req-9",
        "client": hash_client(CLIENT),
    }
    for secret in (CLIENT, "canary-query-token", "canary-agent", "carol@example.org"):
        assert secret not in console.getvalue()


def test_no_access_record_unless_the_access_log_is_switched_on(console: io.StringIO) -> None:
    log = GunicornLogger(gunicorn_config(access_log=False))

    log.access(response(), None, environ(), timedelta(milliseconds=3))

    assert console.getvalue() == ""


def test_gunicorn_info_records_follow_the_service_log_level(console: io.StringIO) -> None:
    logging.getLogger().setLevel(logging.WARNING)  # as MYMONIT_LOG_LEVEL=WARNING sets it
    log = GunicornLogger(gunicorn_config(access_log=True))

    log.info("Booting worker with pid: %s", 42)
    log.warning("Worker timeout")
    log.access(response(), None, environ(), timedelta(milliseconds=3))

    assert [record["message"] for record in lines(console)] == ["Worker timeout", "GET /measures/3 200"]
