"""containers/kibana/setup.sh against a stand-in Kibana: waits, creates the data view once, is idempotent.

The stand-in answers the few Kibana API calls the script makes (status, read/create a data view,
set the default one) and records them, refusing any write without the `kbn-xsrf` header.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

SETUP = Path(__file__).resolve().parents[5] / "containers/kibana/setup.sh"
PASSWORD = 'pa"ss\\word with spaces'  # quotes and backslashes survive the curl config file
DATA_VIEW = "/api/data_views/data_view"


class FakeKibana(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Api)
        self.unavailable_answers = 1  # the first status call finds Kibana still starting
        self.data_views: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, str | None]] = []  # method, path, decoded credentials
        self.default: dict[str, Any] | None = None
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Api(BaseHTTPRequestHandler):
    server: FakeKibana

    def do_GET(self) -> None:
        self._record()
        if self.path == "/api/status":
            if self.server.unavailable_answers > 0:
                self.server.unavailable_answers -= 1
                return self._answer(503, {"status": {"overall": {"level": "unavailable"}}})
            return self._answer(200, {"status": {"overall": {"level": "available"}}})
        view = self.server.data_views.get(self.path.removeprefix(DATA_VIEW + "/"))
        return self._answer(200, {"data_view": view}) if view else self._answer(404, {"message": "not found"})

    def do_POST(self) -> None:
        self._record()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self.headers.get("kbn-xsrf"):
            return self._answer(400, {"message": "Request must contain a kbn-xsrf header."})
        if self.path == DATA_VIEW:
            self.server.data_views[body["data_view"]["id"]] = body["data_view"]
            return self._answer(200, {"data_view": body["data_view"]})
        self.server.default = body
        return self._answer(200, {"acknowledged": True})

    def _record(self) -> None:
        auth = self.headers.get("Authorization", "")
        credentials = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth else None
        self.server.calls.append((self.command, self.path, credentials))

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test reads the recorded calls instead


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    server = FakeKibana()
    yield server
    server.shutdown()
    server.server_close()


def run_setup(url: str, wait_seconds: int = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIBANA_URL": url, "ELASTIC_PASSWORD": PASSWORD, "KIBANA_WAIT_SECONDS": str(wait_seconds)}
    return subprocess.run(["sh", str(SETUP)], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_waits_for_kibana_then_creates_the_monitoring_data_view_and_makes_it_the_default(kibana: FakeKibana) -> None:
    result = run_setup(kibana.url)

    assert result.returncode == 0, result.stderr
    assert kibana.data_views == {"mymonit-monitoring": {"id": "mymonit-monitoring", "title": "monitoring*",
                                                        "name": "MyMONIT audit trail", "timeFieldName": "@timestamp"}}
    assert kibana.default == {"data_view_id": "mymonit-monitoring", "force": False}
    assert {credentials for _, _, credentials in kibana.calls} == {f"elastic:{PASSWORD}"}
    assert PASSWORD not in result.stderr + result.stdout


def test_running_it_again_changes_nothing(kibana: FakeKibana) -> None:
    first = run_setup(kibana.url)
    created = dict(kibana.data_views)
    kibana.calls.clear()

    again = run_setup(kibana.url)

    assert (first.returncode, again.returncode) == (0, 0)
    assert kibana.data_views == created
    assert ("POST", DATA_VIEW, f"elastic:{PASSWORD}") not in kibana.calls
    assert "already exists" in again.stderr


def test_gives_up_with_a_message_when_kibana_never_answers(kibana: FakeKibana) -> None:
    kibana.shutdown()
    kibana.server_close()

    result = run_setup(kibana.url, wait_seconds=1)

    assert result.returncode != 0
    assert "is not available after 1s" in result.stderr
