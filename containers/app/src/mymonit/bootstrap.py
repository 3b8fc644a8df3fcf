"""How a MyMONIT process is put together, once: its logging (and so its one audit trail), then
the composition root (`container`), then what the process runs — the API, the consumer, a CLI
command or the audit shipper. The entrypoints (`cli`, `server`) call these; nothing else builds.

The layers are imported by the functions that need them, so that a command which needs only its
settings and logging (`mymonit publish`, `--help`) does not load Flask, firebase-admin or the
database driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mymonit.audit import AuditTrail, configure_logging
from mymonit.config import Settings, parse_networks

if TYPE_CHECKING:
    from flask import Flask

    from mymonit.api.app import ApiParts
    from mymonit.container import Container


def configure(settings: Settings, *, spool: bool = True) -> AuditTrail:
    """This process's logging, and the one audit trail it emits through.

    `spool=False`: the console only (the shipper, which must not feed the spool it drains).
    """
    return configure_logging(settings, spool=spool)


def start(settings: Settings, *, spool: bool = True, statement_seconds: float = 0.0) -> Container:
    """Configure this process's logging and build its container around the trail that made.

    `statement_seconds`: MariaDB's limit on one statement (the API's REST_QUERY_SECONDS; 0: none).
    """
    from mymonit.container import Container

    trail = configure(settings, spool=spool)
    return Container(settings=settings, audit_trail=trail, statement_seconds=statement_seconds)


def api_parts(container: Container) -> ApiParts:
    """The API's parts from a container (tests pass one whose I/O providers are faked)."""
    from mymonit.api.app import ApiParts

    settings: Settings = container.settings()
    return ApiParts(
        authenticator=container.authenticator(), trail=container.audit_trail(),
        experiments=container.experiment_service(), users=container.user_service(),
        measure_types=container.measure_type_service(), measures=container.measure_service(),
        series=container.series_service(), alert_rules=container.alert_rule_service(),
        alerts=container.alert_service(),
        database_ready=container.database().ping, broker_ready=container.broker_probe(),
        web_page=container.web_page(), max_body_bytes=settings.REST_MAX_BODY_BYTES,
        trusted_proxies=parse_networks(settings.REST_TRUSTED_PROXIES),
    )


def api_app(settings: Settings, *, access_log: bool = False) -> tuple[Flask, Container]:
    """One API worker: its logging, its container (statements bounded by REST_QUERY_SECONDS), its app."""
    from mymonit.api.app import create_app

    container = start(settings, statement_seconds=settings.REST_QUERY_SECONDS)
    return create_app(api_parts(container), access_log=access_log), container
