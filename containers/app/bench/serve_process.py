"""A real `mymonit serve` (gunicorn, gthread workers) on a free loopback port, for the HTTP timings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import requests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """Context manager: starts `mymonit serve` with this process's environment, stops it on exit.

    The environment already points at the bench database (see bench_settings). Startup blocks
    until /openapi.json answers (no DB or token needed for it) or `timeout` passes.
    """

    def __init__(self, workers: int = 2, timeout: float = 60.0) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._workers = workers
        self._timeout = timeout
        self._log = Path(tempfile.mkstemp(prefix="mymonit-bench-serve-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServeProcess:
        env = dict(os.environ, REST_HOST="127.0.0.1", REST_PORT=str(self.port), REST_WORKERS=str(self._workers),
                   MYMONIT_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        env.pop("MYMONIT_ACCESS_LOG", None)
        command = [str(Path(sys.executable).with_name("mymonit")), "serve"]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603  # our own CLI
        try:
            self._wait_ready()
        except BaseException:  # __exit__ does not run when __enter__ fails: stop the server here
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"`mymonit serve` exited with {self._process.returncode}:\n{self.log_tail()}")
            try:  # the first /openapi.json builds the schema: slow on a loaded machine
                if requests.get(f"{self.base_url}/openapi.json", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"`mymonit serve` did not answer within {self._timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._log.unlink(missing_ok=True)
