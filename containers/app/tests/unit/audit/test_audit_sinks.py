"""The sinks: a batch counts as delivered only once the receiver acknowledged all of it.

`LogstashHttpSink` against a real HTTP server standing in for Logstash's http input
(tests/support/logstash_standin.py), `FileSink` on a real file, and the shipper's unit-test fake
(`RecordingSink`) held to the same contract, so the shipper's tests say something about the real
ones.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mymonit.audit.shipper import Shipper
from mymonit.audit.sinks import FileSink, LogstashHttpSink, Sink, SinkUnavailable
from mymonit.audit.spool import ProcessSpool
from tests.support.logstash_standin import LogstashStandIn
from tests.unit.audit.test_audit_shipper import RecordingSink

CREDENTIALS = ("mymonit", "shipper-password-5e1f")


def documents(count: int, start: int = 0) -> list[bytes]:
    return [json.dumps({"log_id": f"id-{n}", "event": "test:event:sent", "seq": n, "text": "naïve Ω"}).encode()
            for n in range(start, count)]


@pytest.fixture
def logstash() -> Iterator[LogstashStandIn]:
    server = LogstashStandIn(credentials=CREDENTIALS)
    yield server
    server.close()


@pytest.fixture
def opened() -> Iterator[list[Sink]]:
    """Sinks to close after the test (a kept-alive connection left open is a ResourceWarning)."""
    sinks: list[Sink] = []
    yield sinks
    for sink in sinks:
        sink.close()


def http_sink(logstash: LogstashStandIn, opened: list[Sink],
              connect: Callable[..., http.client.HTTPConnection] = http.client.HTTPConnection) -> Sink:
    sink = LogstashHttpSink("127.0.0.1", logstash.port, credentials=CREDENTIALS, timeout=5,
                            connect=lambda host, port, timeout: connect(host, port, timeout=timeout))
    opened.append(sink)
    return sink


@dataclass
class Contract:
    """One sink under the contract: how to make it refuse, and what it has kept."""

    sink: Sink
    refuse: Callable[[], None]
    accept: Callable[[], None]
    kept: Callable[[], list[str]]


@pytest.fixture(params=["logstash-http", "file", "fake"])
def contract(request: pytest.FixtureRequest, tmp_path: Path, opened: list[Sink]) -> Iterator[Contract]:
    if request.param == "logstash-http":
        server = LogstashStandIn(credentials=CREDENTIALS)
        yield Contract(http_sink(server, opened), lambda: server.answer_with(503), lambda: server.answer_with(200),
                       lambda: [json.dumps(event) for event in server.stored()])
        server.close()
    elif request.param == "file":
        path = tmp_path / "audit" / "audit.jsonl"

        def lines() -> list[str]:
            return path.read_text().splitlines() if path.exists() else []

        def unwritable() -> None:
            path.mkdir(parents=True)  # a directory where the file should be (modes do not stop root)

        def writable() -> None:
            path.rmdir()

        yield Contract(FileSink(path), unwritable, writable, lines)
    else:
        fake = RecordingSink()
        yield Contract(fake, lambda: setattr(fake, "refuse", 10**6), lambda: setattr(fake, "refuse", 0),
                       fake.received)


def test_contract_a_batch_acknowledged_is_kept_whole_and_in_order(contract: Contract) -> None:
    contract.sink.send(documents(3))
    contract.sink.send(documents(5, start=3))

    assert [json.loads(doc)["seq"] for doc in contract.kept()] == [0, 1, 2, 3, 4]


def test_contract_a_batch_not_acknowledged_raises_and_the_sink_takes_the_next(contract: Contract) -> None:
    contract.refuse()
    with pytest.raises(SinkUnavailable):
        contract.sink.send(documents(2))
    contract.accept()

    contract.sink.send(documents(4, start=2))

    assert [json.loads(doc)["seq"] for doc in contract.kept()] == [2, 3]


def test_each_batch_is_one_utf8_json_array_posted_with_the_pipeline_credentials(
    logstash: LogstashStandIn, opened: list[Sink]
) -> None:
    sink = http_sink(logstash, opened)

    sink.send(documents(3))
    sink.close()

    (body,) = logstash.bodies()
    assert [(event["seq"], event["text"]) for event in json.loads(body.decode("utf-8"))] == [
        (0, "naïve Ω"), (1, "naïve Ω"), (2, "naïve Ω")]


def test_without_the_credentials_logstash_refuses_the_batch(logstash: LogstashStandIn, opened: list[Sink]) -> None:
    sink = LogstashHttpSink("127.0.0.1", logstash.port, credentials=("mymonit", "wrong"), timeout=5)
    opened.append(sink)

    with pytest.raises(SinkUnavailable, match="answered 401"):
        sink.send(documents(1))

    assert logstash.stored() == []


def test_a_busy_logstash_429_is_not_an_acknowledgement(logstash: LogstashStandIn, opened: list[Sink]) -> None:
    sink = http_sink(logstash, opened)
    logstash.answer_with(429)

    with pytest.raises(SinkUnavailable, match="answered 429"):
        sink.send(documents(2))

    assert logstash.stored() == []


def test_logstash_down_then_back_the_same_sink_delivers_on_a_new_connection(
    logstash: LogstashStandIn, opened: list[Sink]
) -> None:
    sink = http_sink(logstash, opened)
    sink.send(documents(1))
    logstash.go_down()

    with pytest.raises(SinkUnavailable):
        sink.send(documents(2, start=1))
    logstash.come_back()
    sink.send(documents(2, start=1))

    assert [event["seq"] for event in logstash.stored()] == [0, 1]


def test_a_kept_alive_connection_the_server_closed_while_idle_is_retried_once_on_a_fresh_one(
    logstash: LogstashStandIn, opened: list[Sink]
) -> None:
    sink = http_sink(logstash, opened)
    sink.send(documents(1))
    logstash.go_down()
    logstash.come_back()  # the kept-alive connection is gone; the listener is back

    sink.send(documents(2, start=1))

    assert [event["seq"] for event in logstash.stored()] == [0, 1]


def test_a_connect_that_fails_on_the_kth_attempt_loses_and_duplicates_nothing(
    logstash: LogstashStandIn, opened: list[Sink], tmp_path: Path
) -> None:
    attempts = [0]

    def failing_third_connect(host: str, port: int, *, timeout: float) -> http.client.HTTPConnection:
        attempts[0] += 1
        if attempts[0] == 3:
            raise ConnectionRefusedError("the third connect fails")
        return http.client.HTTPConnection(host, port, timeout=timeout)

    writer = ProcessSpool(tmp_path / "spool")
    for body in documents(10):
        writer.write(body, durable=True)
    writer.close()
    shipper = Shipper(tmp_path / "spool", http_sink(logstash, opened, failing_third_connect), batch_rows=3)
    refused, passes = 0, 0
    while passes < 20:
        passes += 1
        logstash.go_down()  # every batch on a fresh connection, so that there are several connects
        logstash.come_back()
        try:
            if not shipper.ship_pass():
                break
        except SinkUnavailable:
            refused += 1
    shipper.close()

    assert (refused, attempts[0]) == (1, 5)  # 4 batches of at most 3, each on a connect; one more refused
    assert sorted(event["seq"] for event in logstash.stored()) == list(range(10))
    assert set(logstash.copies().values()) == {1}
