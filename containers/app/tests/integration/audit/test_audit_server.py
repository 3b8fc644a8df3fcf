"""A real `mymonit serve`: the server's own records go through the redacting handlers to Logstash.

The server runs with the access log on and Logstash pointed at the stand-in; a request carries a
canary client address (X-Forwarded-For through the trusted loopback proxy) and a canary token in
its query string. Neither may appear on the console (stderr, JSON lines: not a TTY) or the wire.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import environment
import pytest
import requests
from logstash_standin import LogstashStandIn, eventually, free_port

CLIENT_IP = "198.51.100.201"
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
