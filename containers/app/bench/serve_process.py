"""Servers the benchmarks start and stop: any command in the background, and `mymonit serve`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import requests

MYMONIT = str(Path(sys.executable).with_name("mymonit"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_or_kill(process: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    """Wait for `process` to exit (`timeout` seconds at most), else SIGKILL it and reap it."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Background:
    """`program args...` (a `mymonit` subcommand unless told otherwise) with this process's
    environment plus `env`, its output in a temporary log; stopped with SIGTERM on exit.

    Entering waits until `ready_url` answers 200 (within `timeout` seconds), or without one for
    two seconds, and fails with the log's tail if the process exits first.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None, program: str = MYMONIT,
                 ready_url: str | None = None, timeout: float = 60.0) -> None:
        self._command = [program, *args]
        self._env = dict(os.environ, **(env or {}))
        self._ready_url = ready_url
        self._timeout = timeout
        self._log = Path(tempfile.mkstemp(prefix=f"mymonit-bench-{Path(args[0]).stem}-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(self._command, env=self._env,  # noqa: S603  # our own commands
                                             stdout=log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:  # __exit__ does not run when __enter__ fails: stop the process here
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        if self._ready_url is None:
            time.sleep(2)
            if not self.alive():
                raise RuntimeError(f"`{self._name()}` exited: {self.log_tail()}")
            return
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"`{self._name()}` exited: {self.log_tail()}")
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(self._ready_url, timeout=10).status_code == 200:  # the first may be slow
                    return
            time.sleep(0.2)
        raise RuntimeError(f"`{self._name()}`: {self._ready_url} did not answer 200 within {self._timeout:.0f} s:"
                           f"\n{self.log_tail()}")

    def _name(self) -> str:
        return " ".join([Path(self._command[0]).name, *self._command[1:]])

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> str:
        """Stop the process with SIGTERM (if it still runs) and wait for it; returns its whole log."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the API server stops its workers gracefully
            wait_or_kill(process)
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
        self._log.unlink(missing_ok=True)


class ApiServer(Background):
    """`mymonit serve` on a free loopback port, ready once `ready_path` answers 200.

    /health (the default) needs the database and the broker; /openapi.json needs neither.
    """

    def __init__(self, workers: int = 2, *, ready_path: str = "/health", timeout: float = 120.0,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        super().__init__("serve", env={"REST_HOST": "127.0.0.1", "REST_PORT": str(self.port),
                                       "REST_WORKERS": str(workers), "PYTHONUNBUFFERED": "1", **(env or {})},
                         ready_url=self.base_url + ready_path, timeout=timeout)
