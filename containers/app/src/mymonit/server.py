"""`mymonit serve`: the API under gunicorn (threaded workers), never Flask's development server."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from mymonit.config import Settings


class ApiServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """Each worker builds its own container (pools and clients are per process)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from mymonit.api.app import create_app
        from mymonit.audit import AuditEvent, configure_logging
        from mymonit.container import Container

        trail = configure_logging(self._settings)
        container = Container(settings=self._settings)
        container.audit_trail.override(trail)
        app = create_app(container)
        trail.emit(AuditEvent.SERVICE_STARTED, component="api", pid=os.getpid())
        return app


def serve(settings: Settings) -> None:
    """Blocks until gunicorn is stopped (SIGTERM/SIGINT stop it gracefully)."""
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mymonit-metrics-"))
    options = {
        "bind": f"{settings.REST_HOST}:{settings.REST_PORT}",
        "workers": settings.REST_WORKERS,
        "worker_class": "gthread",
        "threads": settings.REST_THREADS,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 30,  # longer than nginx's upstream keepalive_timeout (20 s): nginx closes idle ones first
        "forwarded_allow_ips": "127.0.0.1",
        "accesslog": "-" if os.environ.get("MYMONIT_ACCESS_LOG") else None,
        "logger_class": "mymonit.audit.gunicorn_logger.GunicornLogger",  # redacted, via our handlers
        "child_exit": _child_exit,
    }
    ApiServer(settings, options).run()


def _child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # no hints upstream
