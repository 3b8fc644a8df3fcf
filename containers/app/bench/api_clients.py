"""The three ways the benchmark calls the API: Flask's test client in-process, and a real
`mymonit serve` over HTTP keep-alive through `requests` and through the bare `http.client`.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from flask.testing import FlaskClient

from serve_process import ApiServer

Run = Callable[[], object]


class ApiFailed(RuntimeError):
    """The API answered something other than 200."""


@dataclass
class ApiClients:
    client: FlaskClient
    headers: dict[str, str]
    session: requests.Session | None = None
    base_url: str = ""
    raw: http.client.HTTPConnection | None = None

    def in_process(self, url: str) -> Run:
        def run() -> object:
            response = self.client.get(url, headers=self.headers)
            return _body(url, response.status_code, response.data)

        return run

    def over_requests(self, url: str) -> Run | None:
        session = self.session
        if session is None:
            return None

        def run() -> object:
            response = session.get(self.base_url + url, timeout=60)
            return _body(url, response.status_code, response.content)

        return run

    def over_http_client(self, url: str) -> Run | None:
        """Without requests/urllib3: separates the client library's cost from the server's."""
        raw = self.raw
        if raw is None:
            return None

        def run() -> object:
            try:
                raw.request("GET", url, headers=self.headers)
                response = raw.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                raw.close()  # reconnects on the next request
                raise
            return _body(url, response.status, body)

        return run


def _body(url: str, status: int, body: bytes) -> bytes:
    """The body of a 200 answer; anything else raises ApiFailed with the start of what came."""
    if status != 200:
        raise ApiFailed(f"GET {url} answered {status}: {body[:300].decode(errors='replace')}")
    return body


@contextmanager
def api_clients(client: FlaskClient, headers: dict[str, str], *, over_http: bool) -> Iterator[ApiClients]:
    """The in-process client, plus (if `over_http`) a running `mymonit serve` and two HTTP clients."""
    if not over_http:
        yield ApiClients(client, headers)
        return
    # /openapi.json needs neither the database nor a token; the server logs only warnings.
    quiet = {"MYMONIT_LOG_LEVEL": "WARNING", "MYMONIT_ACCESS_LOG": ""}
    with ApiServer(ready_path="/openapi.json", timeout=60, env=quiet) as server, requests.Session() as session:
        session.headers.update(headers)
        raw = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            yield ApiClients(client, headers, session, server.base_url, raw)
        finally:
            raw.close()
