"""The audit trail, the redacting filter and the console output of `configure_logging`."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from mymonit.audit import AuditEvent, AuditTrail, Outcome, configure_logging, reset_logging
from mymonit.audit.document import LogstashDocumentFormatter
from mymonit.config import Settings
from mymonit.domain.personal import Personal
from mymonit.logs import RedactingFilter, bind, bind_request, hash_client

DB_SECRET = "db-canary-8e1f"
RABBIT_SECRET = "rabbit-canary-77c2"
ADAPTER_SECRET = "adapter-canary-05aa"
NAME = "Alice Liddell"
CANARIES = (DB_SECRET, RABBIT_SECRET, ADAPTER_SECRET, "alice@example.org", NAME)


def settings_with() -> Settings:
    return Settings.model_construct(
        DB_PASSWORD=SecretStr(DB_SECRET),
        RABBIT_PASSWORD=SecretStr(RABBIT_SECRET),
        ADAPTER_PASSWORD=SecretStr(ADAPTER_SECRET),
        LOGSTASH_HOST=None,
    )


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class TtyStream(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    isolated = logging.getLogger(f"test.audit.{uuid.uuid4().hex}")
    isolated.propagate = False
    isolated.setLevel(logging.DEBUG)
    yield isolated
    isolated.handlers.clear()


@pytest.fixture
def captured(logger: logging.Logger) -> Capture:
    capture = Capture()
    logger.addHandler(capture)
    return capture


@pytest.fixture
def root_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MYMONIT_LOG_LEVEL", raising=False)
    names = ("", "mymonit.audit", "pika", "urllib3")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    reset_logging()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_emit_carries_the_bound_context_and_the_fields(logger: logging.Logger, captured: Capture) -> None:
    with bind_request("req-1", "192.0.2.7", user_id="u-1"):
        AuditTrail(logger).emit(AuditEvent.API_MEASURES_READ, experiment="exp-1", count=3)

    (record,) = captured.records
    assert record.audit == {  # type: ignore[attr-defined]
        "event": "api:measures:read",
        "outcome": "success",
        "request_id": "req-1",
        "user_id": "u-1",
        "client": hash_client("192.0.2.7"),
        "experiment": "exp-1",
        "count": 3,
    }
    assert record.getMessage() == "api:measures:read success"


def test_explicit_fields_win_over_the_bound_context(logger: logging.Logger, captured: Capture) -> None:
    with bind_request("req-1", None, user_id="u-1"):
        AuditTrail(logger).emit(AuditEvent.INGEST_BATCH_STORED, user_id=None, request_id="msg-5")

    assert captured.records[0].audit["user_id"] is None  # type: ignore[attr-defined]
    assert captured.records[0].audit["request_id"] == "msg-5"  # type: ignore[attr-defined]


def test_nothing_bound_can_replace_the_event_or_outcome(logger: logging.Logger, captured: Capture) -> None:
    with bind(event="forged", outcome="success"):
        AuditTrail(logger).emit(AuditEvent.AUTH_ACCESS_DENIED, Outcome.DENIED)

    audit = captured.records[0].audit  # type: ignore[attr-defined]
    assert (audit["event"], audit["outcome"]) == ("auth:access:denied", "denied")
    assert list(audit)[:2] == ["event", "outcome"]


@pytest.mark.parametrize(
    ("outcome", "level"),
    [
        (Outcome.SUCCESS, logging.INFO),
        (Outcome.DENIED, logging.WARNING),
        (Outcome.REJECTED, logging.WARNING),
        (Outcome.FAILED, logging.ERROR),
    ],
)
def test_logs_at_a_level_chosen_by_the_outcome(
    logger: logging.Logger, captured: Capture, outcome: Outcome, level: int
) -> None:
    AuditTrail(logger).emit(AuditEvent.AUTH_ACCESS_DENIED, outcome)

    assert captured.records[0].levelno == level
    assert captured.records[0].audit["outcome"] == outcome.value  # type: ignore[attr-defined]


def test_emit_redacts_personal_fields_even_without_a_redacting_handler(
    logger: logging.Logger, captured: Capture
) -> None:
    AuditTrail(logger).emit(AuditEvent.API_USER_CREATED, name=NAME, email="alice@example.org", owner=Personal("A"))

    assert captured.records[0].audit["name"] == "***"  # type: ignore[attr-defined]
    assert not [c for c in CANARIES if c in json.dumps(captured.records[0].audit)]  # type: ignore[attr-defined]


class ExplodingHandler(logging.Handler):
    def emit(self, _record: logging.LogRecord) -> None:
        raise RuntimeError("handler down")


def exploding_filter(_record: logging.LogRecord) -> bool:
    raise RuntimeError("filter down")


@pytest.mark.parametrize("install", ["handler", "filter"])
def test_emit_never_raises_when_logging_explodes(
    logger: logging.Logger, capsys: pytest.CaptureFixture[str], install: str
) -> None:
    if install == "handler":
        logger.addHandler(ExplodingHandler())
    else:
        logger.addFilter(exploding_filter)

    AuditTrail(logger).emit(AuditEvent.API_MEASURES_READ, note="x")

    assert "could not record api:measures:read: RuntimeError" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("msg", "args", "expected"),
    [
        (
            "connecting to %s",
            (f"mysql://mymonit:{DB_SECRET}@db/my_monit",),
            "connecting to mysql://mymonit:***@db/my_monit",
        ),
        (f"login with {RABBIT_SECRET} failed", (), "login with *** failed"),
        ("user %s created", (Personal("Alice Liddell"),), "user *** created"),
        (
            "payload %s",
            ({"name": "Alice Liddell", "experiment": "exp-1"},),
            "payload {'name': '***', 'experiment': 'exp-1'}",
        ),
        ("%(name)s has %(count)d", {"name": "Alice Liddell", "count": 2}, "*** has 2"),
        ("header %s", ("Bearer abc.def",), "header Bearer ***"),
        ("mail %s", ("alice@example.org",), "mail ***"),
        ("broken %d", ("not a number",), "broken %d (unformattable arguments ('not a number',))"),
    ],
)
def test_redacting_filter_renders_and_scrubs_the_message(
    logger: logging.Logger,
    captured: Capture,
    msg: str,
    args: tuple[object, ...] | dict[str, object],
    expected: str,
) -> None:
    captured.addFilter(RedactingFilter([DB_SECRET, RABBIT_SECRET]))

    if isinstance(args, dict):
        logger.info(msg, args)
    else:
        logger.info(msg, *args)

    (record,) = captured.records
    assert (record.getMessage(), record.args) == (expected, ())


def test_redacting_filter_scrubs_a_traceback_into_exc_text(logger: logging.Logger) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([DB_SECRET]))
    logger.addHandler(handler)

    try:
        raise ConnectionError(f"mysql://mymonit:{DB_SECRET}@db/my_monit refused for alice@example.org")
    except ConnectionError:
        logger.exception("storage down")

    output = stream.getvalue()
    assert "Traceback (most recent call last)" in output
    assert "ConnectionError: mysql://mymonit:***@db/my_monit refused for ***" in output
    assert not [c for c in CANARIES if c in output]


def test_redacting_filter_redacts_extra_fields(logger: logging.Logger, captured: Capture) -> None:
    captured.addFilter(RedactingFilter([ADAPTER_SECRET]))

    logger.info("x", extra={"email": "alice@example.org", "audit": {"note": f"pw {ADAPTER_SECRET}", "n": 1}})

    record = captured.records[0]
    assert (record.email, record.audit) == ("***", {"note": "pw ***", "n": 1})  # type: ignore[attr-defined]


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError(DB_SECRET)


def test_redacting_filter_withholds_a_record_it_cannot_clean(logger: logging.Logger, captured: Capture) -> None:
    captured.addFilter(RedactingFilter([DB_SECRET]))

    logger.info(Unprintable(), extra={"email": "alice@example.org"})

    record = captured.records[0]
    assert record.getMessage() == "[log record withheld: redaction failed]"
    assert not hasattr(record, "email")


def emit_a_sample(trail: AuditTrail) -> int:
    """Log four records of different kinds; return how many."""
    with bind_request("req-7", "203.0.113.9", user_id="u-3"):
        trail.emit(AuditEvent.API_MEASURES_EXPORTED, experiment="exp-1", dsn=f"mysql://u:{DB_SECRET}@db/x")
        trail.emit(AuditEvent.AUTH_TOKEN_REJECTED, Outcome.DENIED, reason="expired\nsecond line")
    logging.getLogger("mymonit.test").warning("rabbit %s down", f"amqp://u:{RABBIT_SECRET}@r:5672/%2F")
    try:
        raise ValueError(f"bad row for {Personal(NAME)} <alice@example.org> {ADAPTER_SECRET}")
    except ValueError:
        logging.getLogger("mymonit.test").exception("batch failed")
    return 4


@pytest.mark.usefixtures("root_restored")
def test_console_writes_one_json_object_per_line_when_not_a_tty() -> None:
    stream = io.StringIO()
    trail = configure_logging(settings_with(), stream=stream)

    count = emit_a_sample(trail)

    lines = stream.getvalue().splitlines()
    documents = [json.loads(line) for line in lines]
    assert len(lines) == count
    assert all(isinstance(d, dict) for d in documents)
    assert documents[0]["event"] == "api:measures:exported"
    assert (documents[0]["user_id"], documents[0]["request_id"]) == ("u-3", "req-7")
    assert documents[1]["level"] == "WARNING"
    assert "Traceback" in documents[3]["exc"]
    assert not [c for c in CANARIES if c in stream.getvalue()]


@pytest.mark.usefixtures("root_restored")
def test_console_writes_coloured_human_lines_on_a_tty() -> None:
    stream = TtyStream()
    trail = configure_logging(settings_with(), stream=stream)

    trail.emit(AuditEvent.API_EXPERIMENT_CREATED, experiment="exp-1")

    (line,) = stream.getvalue().splitlines()
    assert "\x1b[" in line
    assert "api:experiment:created success" in line
    assert "experiment=\x1b[0mexp-1" in line


@pytest.mark.usefixtures("root_restored")
def test_configuring_twice_replaces_the_handlers_instead_of_adding() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(settings_with(), stream=first)
    trail = configure_logging(settings_with(), stream=second)

    trail.emit(AuditEvent.SERVICE_STARTED)

    ours = [h for h in logging.getLogger().handlers if (h.get_name() or "").startswith("mymonit.")]
    assert len(ours) == 1
    assert (first.getvalue(), len(second.getvalue().splitlines())) == ("", 1)


@pytest.mark.usefixtures("root_restored")
def test_audit_events_pass_whatever_the_diagnostic_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYMONIT_LOG_LEVEL", "error")
    stream = io.StringIO()
    trail = configure_logging(settings_with(), stream=stream)

    logging.getLogger("mymonit.test").info("diagnostic detail")
    logging.getLogger("pika.connection").warning("pika noise")
    trail.emit(AuditEvent.API_MEASURES_READ)

    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == ["api:measures:read success"]


@pytest.mark.usefixtures("root_restored")
def test_quiets_pika_below_warning() -> None:
    stream = io.StringIO()
    configure_logging(settings_with(), stream=stream)

    logging.getLogger("pika.channel").info("channel opened")
    logging.getLogger("pika.channel").warning("channel closed")

    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == ["channel closed"]


@pytest.mark.usefixtures("root_restored")
def test_refuses_an_unknown_log_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYMONIT_LOG_LEVEL", "LOUD")

    with pytest.raises(ValueError, match="MYMONIT_LOG_LEVEL"):
        configure_logging(settings_with(), stream=io.StringIO())


def test_a_message_cached_by_an_earlier_handler_is_redacted_too(logger: logging.Logger) -> None:
    logger.addHandler(logging.StreamHandler(io.StringIO()))  # its Formatter caches record.message
    redacted = io.StringIO()
    handler = logging.StreamHandler(redacted)
    handler.setFormatter(LogstashDocumentFormatter())
    handler.addFilter(RedactingFilter([RABBIT_SECRET]))
    logger.addHandler(handler)

    logger.warning("connection to %s failed", f"amqp://mymonit:{RABBIT_SECRET}@rabbit:5671/%2F")

    assert json.loads(redacted.getvalue())["message"] == "connection to amqp://mymonit:***@rabbit:5671/%2F failed"


def test_a_trail_with_the_handlers_secrets_hides_them_itself_and_is_not_scrubbed_twice(
    logger: logging.Logger, captured: Capture
) -> None:
    scrubbing = RedactingFilter([DB_SECRET])
    scrubbing._scrub = lambda record: pytest.fail(f"scrubbed again: {record.msg}")  # type: ignore[method-assign]
    captured.addFilter(scrubbing)

    AuditTrail(logger, secrets=[DB_SECRET]).emit(AuditEvent.API_MEASURES_READ, note=f"dsn with {DB_SECRET}")

    (record,) = captured.records
    assert record.audit["note"] == "dsn with ***"  # type: ignore[attr-defined]
    assert record.getMessage() == "api:measures:read success"


def test_a_trail_without_the_handlers_secrets_is_scrubbed_by_the_handler(
    logger: logging.Logger, captured: Capture
) -> None:
    captured.addFilter(RedactingFilter([DB_SECRET]))

    AuditTrail(logger).emit(AuditEvent.API_MEASURES_READ, note=f"dsn with {DB_SECRET}")

    assert captured.records[0].audit["note"] == "dsn with ***"  # type: ignore[attr-defined]


@pytest.mark.usefixtures("root_restored")
def test_configure_logging_gives_a_trail_whose_records_leave_without_secrets() -> None:
    stream = io.StringIO()
    trail = configure_logging(settings_with(), stream=stream)

    trail.emit(AuditEvent.API_MEASURES_READ, note=f"{DB_SECRET} {RABBIT_SECRET} {ADAPTER_SECRET}")

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["note"] == "*** *** ***"
