"""Uncaught exceptions are logged through the redacting handlers instead of printed raw."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from mymonit.audit import configure_logging, reset_logging
from mymonit.config import Settings

SECRET = "rabbit-canary-3e9d"


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    stream = io.StringIO()
    configure_logging(Settings.model_construct(DB_PASSWORD=SecretStr("db-canary-77aa"), ADAPTER_PASSWORD=None,
                                               RABBIT_PASSWORD=SecretStr(SECRET), LOGSTASH_HOST=None), stream=stream)
    yield stream
    reset_logging()


def only_record(stream: io.StringIO) -> dict[str, object]:
    (line,) = stream.getvalue().splitlines()
    return dict(json.loads(line))


def test_an_uncaught_exception_is_logged_redacted_and_the_hook_restored_afterwards(console: io.StringIO) -> None:
    previous = sys.__excepthook__
    try:
        raise ConnectionError(f"amqp://mymonit:{SECRET}@rabbit:5671/ refused")
    except ConnectionError as error:
        sys.excepthook(type(error), error, error.__traceback__)

    record = only_record(console)
    reset_logging()
    assert (record["level"], record["logger"], record["message"]) == ("CRITICAL", "mymonit.uncaught",
                                                                      "uncaught ConnectionError")
    assert "ConnectionError: amqp://mymonit:***@rabbit:5671/ refused" in str(record["exc"])
    assert SECRET not in console.getvalue()
    assert sys.excepthook is previous


def test_an_exception_ending_a_thread_is_logged_and_still_reaches_the_hook_found_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_type))
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    stream = io.StringIO()
    configure_logging(Settings.model_construct(DB_PASSWORD=SecretStr("db-canary-77aa"), ADAPTER_PASSWORD=None,
                                               RABBIT_PASSWORD=SecretStr(SECRET), LOGSTASH_HOST=None), stream=stream)

    def fail() -> None:
        raise ValueError(f"password={SECRET}")

    worker = threading.Thread(target=fail, name="doomed")
    worker.start()
    worker.join()
    reset_logging()

    record = only_record(stream)
    assert record["message"] == "uncaught ValueError in thread doomed"
    assert "ValueError: password=***" in str(record["exc"])
    assert seen == [ValueError]
