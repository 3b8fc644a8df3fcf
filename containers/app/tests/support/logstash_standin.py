"""A stand-in for Logstash's tcp input: a real TCP listener that keeps every byte it receives.

Like Logstash with `codec => json_lines`, it reads each connection as a stream; `data()` is the
exact bytes, connection after connection, and `events()` what a JSON-lines reader makes of them.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable


class _Connection(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        received = bytearray()
        while chunk := self.request.recv(65536):
            received += chunk
        self.server.received(bytes(received))  # type: ignore[attr-defined]


class LogstashStandIn(socketserver.ThreadingTCPServer):
    """Listens on 127.0.0.1 (`port` 0: a free one) from construction until `close()`."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Connection)
        self._streams: list[bytes] = []
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def received(self, stream: bytes) -> None:
        with self._lock:
            self._streams.append(stream)

    def data(self) -> bytes:
        with self._lock:
            return b"".join(self._streams)

    def events(self) -> list[dict[str, object]]:
        return read_json_lines(self.data())

    def audit_events(self) -> list[dict[str, object]]:
        return [event for event in self.events() if "event" in event]

    def close(self) -> None:
        self.shutdown()
        self.server_close()


def read_json_lines(data: bytes) -> list[dict[str, object]]:
    """Decode as Logstash's json_lines codec does: UTF-8, one JSON object per `\\n`-ended line.

    Stricter than the codec, which would turn a bad line into a `_jsonparsefailure` event: here a
    bad line, a blank line or an unterminated last line fails the test.
    """
    if not data:
        return []
    assert data.endswith(b"\n"), "the stream must end with a newline"
    events = []
    for line in data.split(b"\n")[:-1]:
        document = json.loads(line.decode("utf-8", errors="strict"))
        assert isinstance(document, dict), f"each line must be one JSON object, not {line[:80]!r}"
        events.append(document)
    return events


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
