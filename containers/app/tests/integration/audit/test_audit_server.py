"""A real `mymonit serve`: the server's own records go through the redacting handlers to Logstash.

The server runs with the access log on and Logstash pointed at the stand-in; a request carries a
canary client address (X-Forwarded-For through the trusted loopback proxy) and a canary token in
its query string. Neither may appear on the console (stderr, JSON lines: not a TTY) or the wire.
A client that hangs up halfway through a CSV export ends the stream, which is audited as incomplete.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environment
import pytest
import requests
from api_world import T0, Caller, World
from logstash_standin import LogstashStandIn, eventually, free_port

CLIENT_IP = "198.51.100.201"
EXPORT_ROWS = 200_000  # ~9 MB of CSV: more than the kernel's socket buffers hold between the two ends
QUERY_TOKEN = "canary-server-query-token"  # a canary, not a credential


@pytest.fixture
def listener() -> Iterator[LogstashStandIn]:
    server = LogstashStandIn()
    yield server
    server.close()


def serve(listener: LogstashStandIn, tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`mymonit serve` with its stdout and stderr in tmp_path (a full pipe would block it)."""
    port = free_port()
    env = {**os.environ, **environment.test_environment(), "REST_HOST": "127.0.0.1", "REST_PORT": str(port),
           "REST_WORKERS": "1", "LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": str(listener.port),
           "MYMONIT_ACCESS_LOG": "1", "MYMONIT_LOG_SPOOL": str(tmp_path / "spool.db"), "PYTHONUNBUFFERED": "1"}
    command = [str(Path(sys.executable).with_name("mymonit")), "serve"]
    with (tmp_path / "stdout").open("wb") as stdout, (tmp_path / "stderr").open("wb") as stderr:
        server = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
    return server, f"http://127.0.0.1:{port}"


def wait_until_up(base_url: str) -> None:
    def answers() -> bool:
        try:
            return requests.get(f"{base_url}/openapi.json", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or the worker still loading the app
            return False

    assert eventually(answers, timeout=60)


def test_server_records_and_the_access_log_are_redacted_and_reach_logstash(
    listener: LogstashStandIn, tmp_path: Path,
) -> None:
    server, base_url = serve(listener, tmp_path)
    try:
        wait_until_up(base_url)
        requests.get(f"{base_url}/health", params={"token": QUERY_TOKEN}, headers={"X-Forwarded-For": CLIENT_IP},
                     timeout=10)
    finally:
        server.send_signal(signal.SIGTERM)  # each process flushes its Logstash handler as it exits
        server.wait(timeout=60)
    stdout, stderr = (tmp_path / "stdout").read_bytes(), (tmp_path / "stderr").read_bytes()
    console = [json.loads(line) for line in stderr.decode().splitlines()]
    assert eventually(lambda: any(str(e["message"]).startswith("GET /health") for e in listener.events()))
    wire = listener.events()

    for records in (console, wire):
        loggers = {str(r.get("logger") or r.get("extra", {}).get("logger_name")) for r in records}
        assert {"_granian", "mymonit.access", "mymonit.audit"} <= loggers
    (access,) = [r for r in console if r["logger"] == "mymonit.access" and r["path"] == "/health"]
    assert access["status"] in {200, 503}
    assert re.fullmatch(r"[0-9a-f]{16}", access["client"])
    assert any(r.get("event") == "service:started" for r in wire)
    everything = stdout + stderr + listener.data()
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

    def exported() -> list[dict[str, object]]:
        return [e for e in listener.audit_events() if e["event"] == "api:measures:exported"]

    server, base_url = serve(listener, tmp_path)
    try:
        wait_until_up(base_url)
        received = read_then_hang_up(base_url, f"/measures/{experiment.experiment_id}/export", scientist.headers,
                                     wanted=64 * 1024)
        assert eventually(lambda: bool(exported()), timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    (event,) = exported()
    assert received >= 64 * 1024
    assert event["outcome"] == "failed"
    assert event["complete"] is False
    assert isinstance(event["rows"], int)
    assert 0 < event["rows"] < EXPORT_ROWS  # the stream ended when the client left, not at the last row
    assert event["experiment_id"] == experiment.experiment_id
