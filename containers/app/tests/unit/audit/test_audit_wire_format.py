"""The exact bytes the shipper POSTs to Logstash's http input, read as the pipeline's json codec reads them.

Records go through `configure_logging`'s spool handler into the spool, and a real `Shipper` with
the `LogstashHttpSink` sends them to the stand-in, as `mymonit ship-audit` does: each request
body is one JSON array, one document per element. The pipeline
(containers/logstash/pipeline/mymonit.conf) takes `@timestamp` as the event time, names the
daily index after it and uses `log_id` as the document id; the Kibana data view uses
`@timestamp` as its time field. These tests pin that contract on captured output.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from mymonit.audit import AuditEvent, Outcome, configure_logging, reset_logging
from mymonit.audit.delivery import spool_handler
from mymonit.audit.spool import Sync
from mymonit.config import Settings
from mymonit.logs import bind_request, hash_client
from tests.support.logstash_standin import LogstashStandIn
from tests.support.shipping import ship_everything

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
LOGSTASH_BASE_FIELDS = {"@timestamp", "@version", "message", "level", "type", "host", "logsource", "pid", "program"}
AUDIT_FIELDS = {"event", "outcome", "request_id", "user_id", "client"}


@pytest.fixture
def sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """The request bodies Logstash receives for four kinds of record."""
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    listener, spool = LogstashStandIn(), tmp_path / "spool"
    settings = Settings.model_construct(DB_PASSWORD=SecretStr("db-canary-7a1b"), RABBIT_PASSWORD=SecretStr("rb-9c2d"),
                                        ADAPTER_PASSWORD=None, LOGSTASH_HOST="127.0.0.1", LOGSTASH_PORT=listener.port,
                                        AUDIT_SPOOL_DIR=str(spool))
    trail = configure_logging(settings, stream=io.StringIO())
    try:
        with bind_request("req-wire-1", "192.0.2.44", user_id="U0001"):
            trail.emit(AuditEvent.API_MEASURES_READ, experiment_id=7, range=["2024-01-01T00:00:00Z", None],
                       measure="résistance Ω", rows=3)
            trail.emit(AuditEvent.AUTH_ACCESS_DENIED, Outcome.DENIED, reason="line one\nline two")
        logging.getLogger("mymonit.test").warning("naïve %s", "multi\nline")
        try:
            raise ValueError("bad row")
        except ValueError:
            logging.getLogger("mymonit.test").exception("batch failed")
        reset_logging()  # releases the lane: the shipper may then remove it once drained
        assert ship_everything(spool, listener.port) == 4
        yield listener.bodies()
    finally:
        reset_logging()
        listener.close()


def documents(bodies: list[bytes]) -> list[dict[str, object]]:
    """Every document of every body, as the json codec makes events of a JSON array's elements."""
    events = []
    for body in bodies:
        batch = json.loads(body.decode("utf-8", errors="strict"))
        assert isinstance(batch, list), f"a body must be one JSON array, not {body[:80]!r}"
        assert all(isinstance(document, dict) for document in batch), "each element must be one JSON object"
        events.extend(batch)
    return events


def test_every_body_is_one_utf8_json_array_with_one_document_per_record(sent: list[bytes]) -> None:
    events = documents(sent)

    assert len(events) == 4
    assert not [body for body in sent if b"\n" in body]  # a multi-line message travels as \\n: one line per record
    assert by_message(events, "api:measures:read success")["measure"] == "résistance Ω"
    assert by_message(events, "naïve multi\nline")["level"] == "WARNING"


def test_timestamps_are_utc_iso8601_with_milliseconds_as_logstash_expects(sent: list[bytes]) -> None:
    now = datetime.now(UTC)

    for event in documents(sent):
        stamp = str(event["@timestamp"])
        assert TIMESTAMP.match(stamp), stamp
        assert abs((datetime.fromisoformat(stamp) - now).total_seconds()) < 30
        assert event["@version"] == "1"


def test_audit_fields_are_top_level_and_every_record_has_a_log_id(sent: list[bytes]) -> None:
    events = documents(sent)
    read, denied = by_message(events, "api:measures:read success"), by_message(events, "auth:access:denied denied")
    warning, failure = by_message(events, "naïve multi\nline"), by_message(events, "batch failed")

    for event in events:
        assert event.keys() >= LOGSTASH_BASE_FIELDS
        assert re.fullmatch(r"[0-9a-f]{32}", str(event["log_id"]))
    assert len({event["log_id"] for event in events}) == 4
    assert read.keys() >= AUDIT_FIELDS
    assert (read["event"], read["outcome"], read["request_id"], read["user_id"], read["client"]) == (
        "api:measures:read", "success", "req-wire-1", "U0001", hash_client("192.0.2.44"))
    assert (read["experiment_id"], read["range"], read["rows"]) == (7, ["2024-01-01T00:00:00Z", None], 3)
    assert (denied["outcome"], denied["level"], denied["reason"]) == ("denied", "WARNING", "line one\nline two")
    assert "event" not in warning
    assert "ValueError: bad row" in str(failure["extra"]["stack_trace"])  # type: ignore[index]


def test_the_daily_index_is_the_utc_day_of_the_record(tmp_path: Path) -> None:
    handler = spool_handler(tmp_path / "spool", Sync.PROCESS, ())
    record = logging.LogRecord("mymonit.test", logging.INFO, __file__, 1, "late", (), None)
    record.created = datetime(2024, 12, 31, 23, 59, 59, 999_900, tzinfo=UTC).timestamp()
    assert handler.filter(record)  # the redacting filter, as `handle` runs it before formatting

    event = json.loads(handler.format(record))  # the document as the handler spools it
    handler.close()

    assert event["@timestamp"] == "2024-12-31T23:59:59.999Z"
    assert logstash_index(str(event["@timestamp"])) == "monitoring-2024.12.31"


def by_message(events: list[dict[str, object]], message: str) -> dict[str, object]:
    """The one event with this message (log lines join a later commit than audit events: not the emit order)."""
    (event,) = [event for event in events if event["message"] == message]
    return event


def logstash_index(timestamp: str) -> str:
    """What `index => "monitoring-%{+YYYY.MM.dd}"` makes of an event's @timestamp (always UTC)."""
    return "monitoring-" + datetime.fromisoformat(timestamp).astimezone(UTC).strftime("%Y.%m.%d")
