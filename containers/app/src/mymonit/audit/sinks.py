"""Where `mymonit ship-audit` delivers the spooled records, each with an acknowledgement.

A sink's `send` returns only once the receiver has taken every record of the batch: Logstash's
http input answers 200 after the events are in its (persisted) queue; the audit file is
fsync'd. Anything else raises `SinkUnavailable` and the shipper sends the batch again later, so
delivery is at least once; every record carries its `log_id`, under which the Logstash pipeline
stores it once.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, Protocol

from mymonit.audit import spool_file

SEND_TIMEOUT: Final = 30.0  # seconds to connect, or to wait for Logstash's answer to one batch


class SinkUnavailable(Exception):
    """The sink did not acknowledge the batch (it may have kept part of it)."""


class Sink(Protocol):
    def send(self, bodies: Sequence[bytes]) -> None:
        """Deliver every body (one UTF-8 JSON document each); raises SinkUnavailable unless acknowledged."""

    def close(self) -> None: ...


Connect = Callable[[str, int, float], http.client.HTTPConnection]


def _connect(host: str, port: int, timeout: float) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(host, port, timeout=timeout)


class LogstashHttpSink:
    """POSTs each batch as one JSON array to Logstash's http input, over one kept-alive connection.

    The json codec makes one event of each element. 200 is the acknowledgement; 429 (Logstash
    busy), any other status, a timeout or a broken connection raise `SinkUnavailable`. A
    kept-alive connection the server closed while idle is retried once on a fresh one.
    """

    def __init__(self, host: str, port: int, *, credentials: tuple[str, str] | None = None,
                 timeout: float = SEND_TIMEOUT, connect: Connect = _connect) -> None:
        self._address = (host, port)
        self._headers = {"Content-Type": "application/json"}  # UTF-8 by definition (RFC 8259)
        if credentials is not None:
            token = base64.b64encode(":".join(credentials).encode("utf-8")).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"
        self._timeout = timeout
        self._connect = connect
        self._connection: http.client.HTTPConnection | None = None

    def send(self, bodies: Sequence[bytes]) -> None:
        payload = b"[" + b",".join(bodies) + b"]"
        reused = self._connection is not None
        try:
            status = self._post(payload)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            if not reused:
                raise SinkUnavailable(f"Logstash at {self._where()}: {error!r}") from error
            status = self._post_fresh(payload)
        if status != 200:
            raise SinkUnavailable(f"Logstash at {self._where()} answered {status}")

    def _post_fresh(self, payload: bytes) -> int:
        try:
            return self._post(payload)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise SinkUnavailable(f"Logstash at {self._where()}: {error!r}") from error

    def _post(self, payload: bytes) -> int:
        if self._connection is None:
            self._connection = self._connect(*self._address, self._timeout)
        self._connection.request("POST", "/", body=payload, headers=self._headers)
        response = self._connection.getresponse()
        response.read()
        if response.will_close:
            self.close()
        return response.status

    def _where(self) -> str:
        return f"{self._address[0]}:{self._address[1]}"

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.close()
            self._connection = None


class FileSink:
    """Appends each record as one JSON line to a file, fsync'd before the batch counts as delivered.

    For a host without Logstash (`./run.sh` natively): `./run.sh logs audit` follows it.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    def send(self, bodies: Sequence[bytes]) -> None:
        data = b"".join(body + b"\n" for body in bodies)
        try:
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = spool_file.open_for_append(self._path)
            try:
                spool_file.append(fd, data, os.fstat(fd).st_size)  # whole, or not a torn line left
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise SinkUnavailable(f"audit file {self._path}: {error}") from error

    def close(self) -> None:
        """Nothing is kept open between batches."""


class EverySink:
    """Several sinks: a batch counts as delivered once each of them has it."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self._sinks = tuple(sinks)

    def send(self, bodies: Sequence[bytes]) -> None:
        for sink in self._sinks:
            sink.send(bodies)

    def close(self) -> None:
        for sink in self._sinks:
            sink.close()
