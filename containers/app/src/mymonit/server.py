"""`mymonit serve`: the API under granian, never Flask's development server.

granian parses HTTP in Rust (hyper) and hands each request to one of `REST_THREADS` Python threads
in each of `REST_WORKERS` worker processes. Its master forks the workers; each builds its own
container (pools and clients are per process) in `worker_app`. Measured against gunicorn's
threaded workers on this project's API, it needs about a third less CPU per request
(containers/app/bench/README.md, API load).
"""

from __future__ import annotations

import os
import tempfile
from multiprocessing.util import Finalize
from typing import Any, Final

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer
from pydantic import SecretStr

from mymonit.config import Settings, load_settings

ACCESS_LOG_VARIABLE: Final = "MYMONIT_ACCESS_LOG"
# Longer than nginx keeps an idle upstream connection (keepalive_timeout 20 s): nginx closes it first.
_HEADER_READ_TIMEOUT_MS: Final = 30_000

# granian's own loggers (`_granian`, `granian.access`) get no handlers of their own: their records
# propagate to the root logger, whose handlers `configure_logging` installed (redacting, spooled).
# Incremental, so that granian's logging setup neither replaces nor closes those handlers.
PROPAGATE_TO_ROOT: Final = {
    "version": 1,
    "incremental": True,
    "handlers": {},
    "loggers": {"_granian": {"propagate": True}, "granian.access": {"propagate": True}},
}


def serve(settings: Settings) -> None:
    """Blocks until granian is stopped (SIGTERM/SIGINT stop it gracefully)."""
    os.nice(settings.REST_NICE)  # before the workers fork: they inherit it
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mymonit-metrics-"))
    api_server(settings, f"{__name__}:worker_app").serve()


def api_server(settings: Settings, app_factory: str) -> MPServer:
    """granian as `mymonit serve` runs it, for the WSGI app that `module:function` builds in each worker."""
    return MPServer(  # worker processes, each with its own interpreter lock (what `Granian` is on CPython)
        app_factory,
        factory=True,
        interface=Interfaces.WSGI,
        address=settings.REST_HOST,
        port=settings.REST_PORT,
        workers=settings.REST_WORKERS,
        blocking_threads=settings.REST_THREADS,
        http=HTTPModes.http1,  # nginx speaks HTTP/1.1 to its upstreams
        http1_settings=HTTP1Settings(keep_alive=True, header_read_timeout=_HEADER_READ_TIMEOUT_MS),
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=20,  # in-flight requests (an export) get this long after SIGTERM
        log_level=LogLevels.notset,  # the root level (MYMONIT_LOG_LEVEL) decides, as for every logger
        log_dictconfig=PROPAGATE_TO_ROOT,
        log_access=False,  # the app writes its own access records (api/access_log.py)
    )


def worker_app() -> Any:
    """The WSGI app of one worker process, built when granian starts the worker."""
    from mymonit.audit import AuditEvent, reset_logging
    from mymonit.bootstrap import api_app

    settings = load_settings()  # from the environment the worker inherited, as the master read it
    forget_secrets_in_environment(settings)
    app, container = api_app(settings, access_log=bool(os.environ.get(ACCESS_LOG_VARIABLE)))
    # A worker is a multiprocessing child: it ends without running atexit, where logging would
    # close its handlers. multiprocessing runs its own finalizers as the child ends: the worker
    # then releases its lane of the audit spool at once (every record is already in it).
    Finalize(None, reset_logging, exitpriority=0)
    container.audit_trail().emit(AuditEvent.SERVICE_STARTED, component="api", pid=os.getpid())
    return app


def forget_secrets_in_environment(settings: Settings) -> None:
    """Remove the variables that held the settings' secrets from this process's environment.

    granian starts every request's WSGI environ from a copy of `os.environ` (CGI style), so
    without this the passwords would sit in each request's environ. The settings keep them.
    """
    for name, value in settings:
        if isinstance(value, SecretStr):
            os.environ.pop(name, None)
