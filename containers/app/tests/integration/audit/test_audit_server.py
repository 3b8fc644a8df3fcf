"""A real `mymonit serve`: the server's own records go through the redacting handlers to Logstash.

The server runs with the access log on and its spool in tmp_path; once it has stopped (SIGTERM,
each process closing its spool as it exits), the spool directory is shipped to the Logstash
stand-in with a real `Shipper`, as `mymonit ship-audit` would. A request carries a canary client
address (X-Forwarded-For through the trusted loopback proxy) and a canary token in its query
string. Neither may appear on the console (stderr, JSON lines: not a TTY) or the wire.
A client that hangs up halfway through a CSV export ends the stream, which is audited as incomplete.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest
import requests

from mymonit.audit import spool_file
from tests.support import environment
from tests.support.api_world import T0, Caller, World
from tests.support.json_lines import read_json_lines
from tests.support.logstash_standin import LogstashStandIn, free_port
from tests.support.shipping import ship_everything

CLIENT_IP = "198.51.100.201"
EXPORT_ROWS = 200_000  # ~9 MB of CSV: more than the kernel's socket buffers hold between the two ends
QUERY_TOKEN = "canary-server-query-token"  # a canary, not a credential

Record = dict[str, Any]


@pytest.fixture
def listener() -> Iterator[LogstashStandIn]:
    server = LogstashStandIn()
    yield server
    server.close()


class Console:
    """The server's stderr, read line by line as it comes (a full pipe would block the server)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lines: list[bytes] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="mymonit-serve-stderr", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with self._stream:
            for line in self._stream:
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()

    def data(self) -> bytes:
        with self._changed:
            return b"".join(self._lines)

    def records(self) -> list[Record]:
        return read_json_lines(self.data())

    def wait_for(self, condition: Callable[[list[Record]], bool], timeout: float) -> bool:
        """True as soon as `condition(records)` holds, checked now and after each line; False after `timeout` s."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(read_json_lines(b"".join(self._lines))), timeout)

    def join(self, timeout: float) -> None:
        """Wait for the end of the stream: every process that could write to it has ended."""
        self._reader.join(timeout)
        assert not self._reader.is_alive(), "a process of the server still holds its stderr"


class Server:
    """`mymonit serve` on a free port, its spool in `spool`; stdout in a file, stderr read as it comes."""

    def __init__(self, listener: LogstashStandIn, tmp_path: Path) -> None:
        port = free_port()
        self.spool = tmp_path / "spool"
        self.base_url = f"http://127.0.0.1:{port}"
        self._stdout = tmp_path / "stdout"
        env = {**os.environ, **environment.test_environment(), "REST_HOST": "127.0.0.1", "REST_PORT": str(port),
               "REST_WORKERS": "1", "LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": str(listener.port),
               "MYMONIT_ACCESS_LOG": "1", "AUDIT_SPOOL_DIR": str(self.spool), "PYTHONUNBUFFERED": "1"}
        command = [str(Path(sys.executable).with_name("mymonit")), "serve"]
        with self._stdout.open("wb") as stdout:
            self._process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
        assert self._process.stderr is not None
        self.console = Console(self._process.stderr)

    def wait_until_up(self) -> None:
        def answers() -> bool:
            assert self._process.poll() is None, f"mymonit serve exited: {self.console.data()[-2_000:]!r}"
            try:
                return requests.get(f"{self.base_url}/openapi.json", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or the worker still loading the app
                return False

        assert eventually(answers, timeout=60)

    def stop(self) -> None:
        """SIGTERM, as the container runtime stops it; returns once every process of it has ended."""
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()  # not left behind the failing test
            self._process.wait()
            raise
        self.console.join(timeout=60)

    def stdout(self) -> bytes:
        return self._stdout.read_bytes()


def eventually(condition: Callable[[], bool], timeout: float) -> bool:
    """Whether `condition()` holds within `timeout` seconds, tried every 50 ms (for the server's start-up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_server_records_and_the_access_log_are_redacted_and_reach_logstash(
    listener: LogstashStandIn, tmp_path: Path,
) -> None:
    server = Server(listener, tmp_path)
    try:
        server.wait_until_up()
        requests.get(f"{server.base_url}/health", params={"token": QUERY_TOKEN},
                     headers={"X-Forwarded-For": CLIENT_IP}, timeout=10)
    finally:
        server.stop()
    ship_everything(server.spool, listener.port)
    console, wire = server.console.records(), listener.stored()

    assert spool_file.lanes(server.spool) == {}  # every process's lane shipped, then removed
    for records in (console, wire):
        loggers = {str(r.get("logger") or r.get("extra", {}).get("logger_name")) for r in records}
        assert {"_granian", "mymonit.access", "mymonit.audit"} <= loggers
    (access,) = [r for r in console if r["logger"] == "mymonit.access" and r["path"] == "/health"]
    assert access["status"] in {200, 503}
    assert re.fullmatch(r"[0-9a-f]{16}", str(access["client"]))
    assert any(str(e["message"]).startswith("GET /health") for e in wire)
    assert any(r.get("event") == "service:started" for r in wire)
    everything = server.stdout() + server.console.data() + b"".join(listener.bodies())
    assert CLIENT_IP.encode() not in everything
    assert QUERY_TOKEN.encode() not in everything


def read_then_hang_up(base_url: str, path: str, headers: dict[str, str], wanted: int) -> int:
    """GET `path` over a socket with a small receive buffer, read `wanted` bytes, close; returns bytes read."""
    address = urlsplit(base_url)
    lines = [f"GET {path} HTTP/1.1", f"Host: {address.netloc}", "Accept: text/csv"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        client.connect((address.hostname, address.port))
        client.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = 0
        while received < wanted and (chunk := client.recv(65536)):
            received += len(chunk)
    return received


@pytest.mark.slow
def test_an_export_the_client_abandons_is_audited_as_incomplete_with_the_rows_sent(
    listener: LogstashStandIn, tmp_path: Path, world: World, scientist: Caller,
) -> None:
    experiment = world.experiment("abandoned-export")
    world.associate(scientist, experiment)
    chunk = 20_000
    for start in range(0, EXPORT_ROWS, chunk):
        world.measures(experiment, [float(i) for i in range(chunk)], start=T0 + timedelta(seconds=start))

    def exported(records: list[Record]) -> list[Record]:
        return [r for r in records if r.get("event") == "api:measures:exported"]

    server = Server(listener, tmp_path)
    try:
        server.wait_until_up()
        received = read_then_hang_up(server.base_url, f"/measures/{experiment.experiment_id}/export",
                                     scientist.headers, wanted=64 * 1024)
        # The export has ended (and is audited) before the server is told to stop, so it is the
        # client's leaving that ended it, not the shutdown.
        assert server.console.wait_for(lambda records: bool(exported(records)), timeout=60)
    finally:
        server.stop()
    ship_everything(server.spool, listener.port)

    (event,) = exported(listener.audit_events())
    assert received >= 64 * 1024
    assert event["outcome"] == "failed"
    assert event["complete"] is False
    assert isinstance(event["rows"], int)
    assert 0 < event["rows"] < EXPORT_ROWS  # the stream ended when the client left, not at the last row
    assert event["experiment_id"] == experiment.experiment_id
