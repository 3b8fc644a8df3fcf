"""A stand-in for Logstash's http input and Elasticsearch behind it: a real HTTP/1.1 server.

Like the pipeline (containers/logstash/pipeline/mymonit.conf), it takes a POST whose body is a
JSON array, makes one event of each element and answers 200 once it has them; like the
Elasticsearch output with `action => create` and `document_id => log_id`, it stores the first
copy of each `log_id` and only counts the others. Waiting is signalled, not polled:
`wait_for_stored(n)` returns as soon as the n-th distinct event is stored.

On command it goes down (`go_down`: the port refuses connections and open ones are cut) and comes
back on the same port (`come_back`), answers every batch with another status (`answer_with`), or
calls a hook with each batch before it answers (`before_answer`, e.g. to kill the sender).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

Document = dict[str, Any]

LISTEN_BACKLOG = 128  # Logstash's netty input listens with a real backlog, unlike socketserver's 5


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept-alive connections, as Logstash's http input allows
    disable_nagle_algorithm = True  # the answer's head and body go at once, not a delayed ACK apart
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.standin.opened(self.request)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        standin = self.server.standin
        if standin.authorization is not None and self.headers.get("Authorization") != standin.authorization:
            status = 401  # as the http input answers a request without its user and password
        else:
            status = standin.received(self.headers.get("Content-Type", ""), body)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # the base class's name
        """Quiet: the tests read what arrived, not an access log."""


class _Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, standin: LogstashStandIn) -> None:
        self.standin = standin
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A sender that went away before the answer (killed on purpose) is no error of the stand-in."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LogstashStandIn:
    """Listens on 127.0.0.1 (`port` 0: a free one) from construction until `close()`.

    With `credentials` (user, password) it answers 401 to a batch without them, as the http input
    configured with `user` and `password` does.
    """

    def __init__(self, port: int = 0, credentials: tuple[str, str] | None = None) -> None:
        self.authorization = None if credentials is None else "Basic " + base64.b64encode(
            ":".join(credentials).encode()).decode()
        self._changed = threading.Condition()
        self._bodies: list[bytes] = []
        self._stored: dict[str, Document] = {}
        self._copies: Counter[str] = Counter()
        self._connections: set[socket.socket] = set()
        self._status = 200
        self._hook: Callable[[list[Document]], None] | None = None
        self._server: _Server | None = None
        self.port = port
        self.come_back()

    # --- what arrived ------------------------------------------------------------------------

    def bodies(self) -> list[bytes]:
        """Every request body as received, including those answered with an error."""
        with self._changed:
            return list(self._bodies)

    def stored(self) -> list[Document]:
        """The first copy of every event, in the order they were first stored."""
        with self._changed:
            return list(self._stored.values())

    def audit_events(self) -> list[Document]:
        return [event for event in self.stored() if "event" in event]

    def copies(self) -> Counter[str]:
        """How many times each log_id arrived in a batch answered 200."""
        with self._changed:
            return Counter(self._copies)

    def wait_for_stored(self, count: int, timeout: float = 30.0, *, audit_only: bool = False) -> bool:
        """Block until `count` distinct events (audit events only, if asked) are stored."""
        def enough() -> bool:
            events = self._stored.values()
            return sum(1 for e in events if not audit_only or "event" in e) >= count

        with self._changed:
            return self._changed.wait_for(enough, timeout)

    # --- commands ----------------------------------------------------------------------------

    def answer_with(self, status: int) -> None:
        """Answer every following batch with `status` (anything but 200 stores nothing)."""
        self._status = status

    def before_answer(self, hook: Callable[[list[Document]], None] | None) -> None:
        self._hook = hook

    def go_down(self) -> None:
        """Stop listening and cut every open connection: senders see refused or reset connections."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self._changed:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def come_back(self) -> None:
        """Listen again, on the same port."""
        self._server = _Server(self.port, self)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.go_down()

    # --- called by the handler ---------------------------------------------------------------

    def opened(self, connection: socket.socket) -> None:
        with self._changed:
            self._connections.add(connection)

    def received(self, content_type: str, body: bytes) -> int:
        assert content_type == "application/json", content_type
        batch = json.loads(body.decode("utf-8"))
        assert isinstance(batch, list), "Logstash's json codec makes one event per element of an array"
        assert all(isinstance(event, dict) and "log_id" in event for event in batch)
        with self._changed:
            self._bodies.append(body)
        if self._hook is not None:
            self._hook(batch)
        status = self._status
        if status == 200:
            with self._changed:
                for event in batch:
                    self._copies[event["log_id"]] += 1
                    self._stored.setdefault(event["log_id"], event)
                self._changed.notify_all()
        return status


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
