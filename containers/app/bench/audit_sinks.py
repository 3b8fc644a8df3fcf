"""Where the benchmark's Logstash handler sends: a reading sink, a closed port, a black hole."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from typing import Protocol


class Sink(Protocol):
    port: int

    def close(self) -> None: ...


class _Discard(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while chunk := self.request.recv(65536):
            self.server.lines += chunk.count(b"\n")  # type: ignore[attr-defined]


class ReadingSink(socketserver.ThreadingTCPServer):
    """Logstash up: accepts every connection and reads (and counts) every line."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Discard)
        self.lines = 0
        self.port = int(self.server_address[1])
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class ClosedPort:
    """Logstash down: nothing listens, every connection is refused at once."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])

    def close(self) -> None:
        pass


class BlackHole:
    """Logstash unresponsive: a listener whose backlog is full, so a connect hangs until timeout."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = int(self._listener.getsockname()[1])
        self._fillers = [self._pending_connection() for _ in range(4)]

    def _pending_connection(self) -> socket.socket:
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):  # in progress, which is all a filler has to be
            filler.connect(("127.0.0.1", self.port))
        return filler

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()
