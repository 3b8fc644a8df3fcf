"""The load benchmark's own stack: `mymonit serve` on the bench database behind its own nginx.

nginx is rendered from the project's template (containers/nginx/nginx.conf.template, through
render-config.sh) exactly as native mode renders it, except for free ports and a rate limit high
enough for 64 connections from one address (the demo stack's limit is per client address, and
every local client is 127.0.0.1). The certificate is the one ./run.sh generated (.run/tls).
The consumer and the synthetic adapter for the "while ingesting" round run on a vhost and queue
of their own, so that the demo stack and the tests never see their messages.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from bench_settings import ROOT
from serve_process import free_port

TLS_DIR = ROOT / ".run" / "tls"
TEMPLATE = ROOT / "containers" / "nginx" / "nginx.conf.template"
RENDER = ROOT / "containers" / "nginx" / "render-config.sh"

# The ingest round's broker names: the test vhost (the adapter account may write ^mymonit.* there).
# Port 0: no metrics listener, which the demo stack's consumer may hold.
INGEST_ENV = {"RABBIT_VHOST": "mymonit_test", "RABBIT_EXCHANGE": "mymonit.bench",
              "RABBIT_QUEUE": "mymonit.bench.measures", "RABBIT_ROUTING": "measures", "CONSUMER_METRICS_PORT": "0"}


class Nginx:
    """nginx from the template on a free loopback port, in a temporary prefix; stopped on exit."""

    def __init__(self, upstream_port: int, *, rate: str = "100000r/s", connections: int = 1000) -> None:
        self.port = free_port()
        self.base_url = f"https://localhost:{self.port}"
        self._upstream = upstream_port
        self._rate = rate
        self._connections = connections
        self._dir = Path(tempfile.mkdtemp(prefix="mymonit-bench-nginx-"))

    def __enter__(self) -> Nginx:
        root = os.geteuid() == 0
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self._dir / "tmp" / name).mkdir(parents=True)
            if root:
                shutil.chown(self._dir / "tmp" / name, user=_worker_user())
        conf = self._dir / "nginx.conf"
        env = dict(
            os.environ, NGINX_DIR=str(self._dir), TLS_DIR=str(TLS_DIR), API_UPSTREAM=f"127.0.0.1:{self._upstream}",
            NGINX_USER_LINE=f"user {_worker_user()};" if root else "# not root",
            NGINX_ERROR_LOG=str(self._dir / "error.log"), NGINX_ACCESS_LOG=str(self._dir / "access.log"),
            NGINX_HTTP_LISTEN=f"127.0.0.1:{free_port()}", NGINX_HTTPS_LISTEN=f"127.0.0.1:{self.port}",
            NGINX_PUBLIC_PORT_SUFFIX=f":{self.port}", NGINX_RATE=self._rate, NGINX_BURST="100000",
            NGINX_CONN_LIMIT=str(self._connections), NGINX_MAX_BODY="1m",
        )
        subprocess.run([str(RENDER), str(TEMPLATE), str(conf)], env=env, check=True)  # noqa: S603
        subprocess.run(self._nginx("-t", "-q"), check=True)  # noqa: S603
        subprocess.run(self._nginx(), check=True)  # noqa: S603  # daemonizes
        return self

    @property
    def pid(self) -> int:
        return int((self._dir / "nginx.pid").read_text())

    def _nginx(self, *args: str) -> list[str]:
        return ["nginx", "-p", str(self._dir), "-c", str(self._dir / "nginx.conf"),
                "-e", str(self._dir / "error.log"), *args]

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        subprocess.run(self._nginx("-s", "quit"), check=False, capture_output=True)  # noqa: S603
        pid_file = self._dir / "nginx.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self._dir, ignore_errors=True)


def _worker_user() -> str:
    for name in ("www-data", "nginx", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    return "nobody"

