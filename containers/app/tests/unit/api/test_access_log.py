"""The access record hides the client and the query; the server's own records are redacted too."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from granian.log import LogLevels
from granian.log import configure_logging as configure_granian_logging
from pydantic import SecretStr

from mymonit.api.access_log import AccessLog
from mymonit.audit import configure_logging, reset_logging
from mymonit.config import Settings
from mymonit.logs import hash_client
from mymonit.server import PROPAGATE_TO_ROOT, forget_secrets_in_environment

CLIENT = "198.51.100.23"
DB_SECRET = "db-canary-5d0c"
SERVER_LOGGERS = ("_granian", "granian.access")


def environ(query: str = "") -> dict[str, Any]:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/measures/3", "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": CLIENT,
            "HTTP_USER_AGENT": "canary-agent/1.0", "HTTP_REFERER": "https://example.org/?email=carol@example.org"}


class Body:
    """A response body that notes when the server closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter([b"{}"])

    def close(self) -> None:
        self.closed = True


def answering(body: Iterable[bytes], status: str = "200 OK") -> Callable[..., Iterable[bytes]]:
    def app(_environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "application/json"), ("X-Request-ID", "req-9")])
        return body

    return app


def ignore_start(_status: str, _headers: list[tuple[str, str]], *_exc_info: Any) -> None:
    return None


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    loggers = [logging.getLogger(name) for name in (*SERVER_LOGGERS, "mymonit.access")]
    saved = [(logger, logger.propagate, list(logger.handlers), logger.level) for logger in loggers]
    stream, root_level = io.StringIO(), logging.getLogger().level
    settings = Settings.model_construct(DB_PASSWORD=SecretStr(DB_SECRET), RABBIT_PASSWORD=SecretStr("rabbit-canary"),
                                        ADAPTER_PASSWORD=None, LOGSTASH_HOST=None)
    configure_logging(settings, stream=stream)
    yield stream
    reset_logging()
    logging.getLogger().setLevel(root_level)
    for logger, propagate, handlers, level in saved:
        logger.propagate, logger.handlers, logger.level = propagate, handlers, level


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_access_record_has_the_hashed_client_and_no_query_agent_or_referer(console: io.StringIO) -> None:
    body = Body()
    answered = AccessLog(answering(body))(environ("token=canary-query-token"), ignore_start)
    assert b"".join(answered) == b"{}"
    assert console.getvalue() == ""  # not before the server has closed the body

    answered.close()  # type: ignore[attr-defined]  # WSGI: the server closes what it was given

    (record,) = lines(console)
    assert body.closed
    assert (record["logger"], record["message"]) == ("mymonit.access", "GET /measures/3 200")
    assert {k: record[k] for k in ("method", "path", "status", "request_id", "client")} == {
        "method": "GET", "path": "/measures/3", "status": 200, "request_id": "req-9", "client": hash_client(CLIENT),
    }
    assert record["duration_ms"] >= 0
    for secret in (CLIENT, "canary-query-token", "canary-agent", "carol@example.org"):
        assert secret not in console.getvalue()


def test_a_request_the_app_fails_is_recorded_as_500(console: io.StringIO) -> None:
    def failing(_environ: dict[str, Any], _start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        AccessLog(failing)(environ(), ignore_start)

    assert [(r["status"], r["client"]) for r in lines(console)] == [(500, hash_client(CLIENT))]


def test_access_records_show_whatever_the_service_log_level(console: io.StringIO) -> None:
    middleware = AccessLog(answering([b"{}"], "404 NOT FOUND"))
    logging.getLogger().setLevel(logging.WARNING)  # as MYMONIT_LOG_LEVEL=WARNING sets it

    middleware(environ(), ignore_start).close()  # type: ignore[attr-defined]  # a list has no close(): ours does

    assert [r["message"] for r in lines(console)] == ["GET /measures/3 404"]


def test_the_servers_loggers_propagate_to_our_handlers_which_stay_open_and_redact(console: io.StringIO) -> None:
    configure_granian_logging(LogLevels.notset, PROPAGATE_TO_ROOT)  # what granian does as it starts

    for name in SERVER_LOGGERS:
        assert (logging.getLogger(name).handlers, logging.getLogger(name).propagate) == ([], True)
    logging.getLogger("_granian").info("Booting worker")
    logging.getLogger("_granian").error("worker failed to connect to mysql://mymonit:%s@db/my_monit", DB_SECRET)

    assert [(r["logger"], r["message"]) for r in lines(console)] == [
        ("_granian", "Booting worker"), ("_granian", "worker failed to connect to mysql://mymonit:***@db/my_monit"),
    ]


def test_a_worker_forgets_the_secret_variables_its_settings_were_read_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", DB_SECRET)
    monkeypatch.setenv("RABBIT_PASSWORD", "rabbit-canary")
    monkeypatch.setenv("DB_USER", "mymonit")
    settings = Settings.model_construct(DB_PASSWORD=SecretStr(DB_SECRET), RABBIT_PASSWORD=SecretStr("rabbit-canary"),
                                        ADAPTER_PASSWORD=None, DB_USER="mymonit")

    forget_secrets_in_environment(settings)

    assert ("DB_PASSWORD" in os.environ, "RABBIT_PASSWORD" in os.environ) == (False, False)
    assert os.environ["DB_USER"] == "mymonit"
    assert settings.DB_PASSWORD.get_secret_value() == DB_SECRET
