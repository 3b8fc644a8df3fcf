"""Logging for a MyMONIT process, configured once from the settings at the composition root."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

from mymonit.audit.delivery import spool_handler
from mymonit.audit.spool import Sync
from mymonit.audit.trail import AUDIT_LOGGER, AuditTrail
from mymonit.logs.fork_guard import HANDLER_PREFIX, guard_log_handlers_across_fork, installed_handlers
from mymonit.logs.redacting_filter import console_handler
from mymonit.logs.uncaught import restore_uncaught_exceptions, route_uncaught_exceptions

if TYPE_CHECKING:  # only the type: the audit package must not pull pydantic in at run time
    from mymonit.config import Settings

LEVEL_VARIABLE: Final = "MYMONIT_LOG_LEVEL"
_QUIET_LOGGERS: Final = ("pika", "urllib3", "google", "cachecontrol")


def configure_logging(settings: Settings, *, stream: IO[str] | None = None, spool: bool = True) -> AuditTrail:
    """Install the console handler (and the spool, when the audit trail is shipped) on the root logger.

    Every handler redacts with the settings' passwords as known secrets. Calling it again
    replaces (and closes) the handlers it installed before; other handlers are left alone.
    MYMONIT_LOG_LEVEL (default INFO) sets the root level; the audit logger stays at INFO
    whatever it says, so audit events are never filtered out. When LOGSTASH_HOST or AUDIT_FILE
    is set (and `spool` is true), every record also goes into this process's own lane of the
    spool in AUDIT_SPOOL_DIR before the call returns; `mymonit ship-audit` sends them on. The
    handlers' fork guard (`logs.fork_guard`) is installed once per
    process, and uncaught exceptions are logged through these handlers (see `uncaught`) until
    `reset_logging`.
    Raises ValueError for an unknown level name.
    """
    level = _level_from_environment()
    secrets = _secret_values(settings)
    guard_log_handlers_across_fork()
    reset_logging()
    root = logging.getLogger()
    _install(root, "console", console_handler(stream or sys.stderr, secrets))
    if spool and settings.audit_shipped:
        directory = spool_directory(settings)
        _install(root, "spool", spool_handler(directory, Sync(settings.AUDIT_SPOOL_SYNC), secrets))
    root.setLevel(level)
    route_uncaught_exceptions()
    logging.getLogger(AUDIT_LOGGER).setLevel(logging.INFO)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    return AuditTrail(secrets=secrets)


def reset_logging() -> None:
    """Remove and close the handlers `configure_logging` installed (for tests and shutdown).

    Closing the spool handler releases this process's lane, which the shipper then drains and
    removes; every record was written to it as it was logged.
    """
    root = logging.getLogger()
    for handler in installed_handlers():
        root.removeHandler(handler)
        handler.close()
    restore_uncaught_exceptions()


def _install(root: logging.Logger, role: str, handler: logging.Handler) -> None:
    handler.set_name(HANDLER_PREFIX + role)
    root.addHandler(handler)


def _level_from_environment() -> int:
    name = os.environ.get(LEVEL_VARIABLE, "INFO").strip().upper()
    level = logging.getLevelNamesMapping().get(name)
    if level is None:
        raise ValueError(f"{LEVEL_VARIABLE}={name!r} is not a logging level (DEBUG, INFO, WARNING, ERROR)")
    return level


def _secret_values(settings: Settings) -> tuple[str, ...]:
    secrets = (settings.DB_PASSWORD, settings.RABBIT_PASSWORD, settings.ADAPTER_PASSWORD,
               settings.LOGSTASH_PASSWORD, settings.ALERT_WEBHOOK_SECRET)
    return tuple(value for s in secrets if s is not None and (value := s.get_secret_value()))


def spool_directory(settings: Settings) -> Path:
    """AUDIT_SPOOL_DIR, else `mymonit-audit-spool-UID` in the temporary directory (one per user)."""
    default = Path(tempfile.gettempdir()) / f"mymonit-audit-spool-{os.geteuid()}"
    return Path(settings.AUDIT_SPOOL_DIR or default)
