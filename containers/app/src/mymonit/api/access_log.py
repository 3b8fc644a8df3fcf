"""The access log: one `mymonit.access` record per answered request, when MYMONIT_ACCESS_LOG is set.

A record holds `method`, `path` (no query string), `status`, `duration_ms` (until the body has
been sent, so a long export counts whole), `request_id` and `client`, the keyed hash of the client
address; never the raw address, the query string, the referer or the user agent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

from mymonit.logs.context import hash_client

ACCESS_LOGGER: Final = "mymonit.access"
_REQUEST_ID_HEADER: Final = "x-request-id"

_log = logging.getLogger(ACCESS_LOGGER)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AccessLog:
    """WSGI middleware that writes the access record once the response body is closed.

    Install it inside `TrustedProxy`, so that the client is the one the proxy vouches for.
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        _log.setLevel(logging.INFO)  # switched on explicitly: shown whatever MYMONIT_LOG_LEVEL says

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        answer: list[Any] = ["500 Internal Server Error", []]

        def remembering_start_response(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            answer[:] = [status, headers]
            return start_response(status, headers, *exc_info)

        def record() -> None:
            fields = access_fields(environ, answer[0], answer[1], time.perf_counter() - started)
            _log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)

        try:
            body = self._app(environ, remembering_start_response)
        except BaseException:
            record()
            raise
        return _ClosingBody(body, record)


class _ClosingBody:
    """The app's body, unchanged, with `on_close` called after the app's own close()."""

    __slots__ = ("_body", "_on_close")

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None]) -> None:
        self._body, self._on_close = body, on_close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()


def access_fields(
    environ: Mapping[str, Any], status: str, headers: Iterable[tuple[str, str]], seconds: float
) -> dict[str, object]:
    """The fields of one access record; the client address only as `hash_client` of it."""
    address = environ.get("REMOTE_ADDR")
    code = status.split(None, 1)[0]
    return {
        "method": environ.get("REQUEST_METHOD", "-"),
        "path": environ.get("PATH_INFO", "-"),
        "status": int(code) if code.isdigit() else code,
        "duration_ms": round(seconds * 1000, 3),
        "request_id": next((v for k, v in headers if k.lower() == _REQUEST_ID_HEADER), None),
        "client": hash_client(address) if address else None,
    }
