"""gunicorn's own logging, routed through the redacting handlers of `configure_logging`.

gunicorn gives `gunicorn.error` and `gunicorn.access` stream handlers of their own and stops them
propagating, so their records would reach the terminal unredacted and never reach Logstash. Its
access line also carries the raw client address, the query string, the referer and the user
agent. `GunicornLogger` (gunicorn's `logger_class`) keeps both loggers handler-free and
propagating to the root logger instead, and writes a structured access record of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Final

from gunicorn.glogging import Logger

from mymonit.audit.context import hash_client

_REQUEST_ID_HEADER: Final = "x-request-id"


class GunicornLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's logger with no handlers of its own; the root logger's handlers do the writing.

    The gunicorn options `errorlog`, `loglevel`, `accesslog` (as a destination), `syslog` and
    `logconfig*` are therefore ignored: `gunicorn.error` follows MYMONIT_LOG_LEVEL like any
    logger, and `accesslog` only switches the access record on (`mymonit serve` sets it when
    MYMONIT_ACCESS_LOG is set). An access record (`gunicorn.access`, INFO) holds `method`,
    `path` (no query string), `status`, `duration_ms`, `request_id` and `client`, the keyed hash
    of the client address; never the raw address, query string, referer or user agent.
    """

    def setup(self, cfg: Any) -> None:
        self.cfg = cfg
        self._access_log_enabled = bool(cfg.accesslog)
        self.loglevel = logging.NOTSET
        self.error_log.setLevel(logging.NOTSET)  # the root level decides, as for every logger
        self.access_log.setLevel(logging.INFO)  # switched on explicitly: shown whatever the level
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True

    def access(  # gunicorn's signature; the request headers are left out on purpose
        self,
        resp: Any,
        req: Any,  # noqa: ARG002
        environ: Mapping[str, Any],
        request_time: timedelta,
    ) -> None:
        if not self.access_log_enabled:
            return
        fields = access_fields(environ, str(resp.status), resp.headers, request_time)
        self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)


def access_fields(
    environ: Mapping[str, Any], status: str, headers: Iterable[tuple[str, str]], elapsed: timedelta
) -> dict[str, object]:
    """The fields of one access record; the client address only as `hash_client` of it."""
    address = environ.get("REMOTE_ADDR")
    code = status.split(None, 1)[0]
    return {
        "method": environ.get("REQUEST_METHOD", "-"),
        "path": environ.get("PATH_INFO", "-"),
        "status": int(code) if code.isdigit() else code,
        "duration_ms": round(elapsed.total_seconds() * 1000, 3),
        "request_id": next((v for k, v in headers if k.lower() == _REQUEST_ID_HEADER), None),
        "client": hash_client(address) if address else None,
    }
