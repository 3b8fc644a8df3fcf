"""The Flask application factory: the app from the parts it is given (the bootstrap builds them)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from flask import Blueprint, Flask, Response, g, request

from mymonit.api.access_log import AccessLog
from mymonit.api.http_metrics import install_metrics
from mymonit.api.identity import RequestAuthenticator
from mymonit.api.operations import Api
from mymonit.api.problems import register_problem_handlers
from mymonit.api.proxy import TrustedProxy
from mymonit.api.resources import alert_rules, alerts, experiments, measure_types, measures, series, system, users
from mymonit.api.stored_gauges import firing_gauge, series_gauge
from mymonit.audit import AuditTrail
from mymonit.logs import bind_request
from mymonit.services.alert_rules import AlertRuleService
from mymonit.services.alerts import AlertService
from mymonit.services.experiments import ExperimentService
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.measures import MeasureService
from mymonit.services.series import SeriesService
from mymonit.services.users import UserService

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class ApiParts:
    """Everything the app is made of; nothing here has done I/O yet."""

    authenticator: RequestAuthenticator
    trail: AuditTrail
    experiments: ExperimentService
    users: UserService
    measure_types: MeasureTypeService
    measures: MeasureService
    series: SeriesService
    alert_rules: AlertRuleService
    alerts: AlertService
    database_ready: Callable[[], bool]
    broker_ready: Callable[[], bool]
    web_page: Blueprint
    max_body_bytes: int
    trusted_proxies: Sequence[IPv4Network | IPv6Network]


def registered_api(parts: ApiParts) -> Api:
    """Every operation of the API, registered; the OpenAPI document is built from their declarations."""
    api = Api(authenticate=parts.authenticator, trail=parts.trail)
    experiments.register(api, parts.experiments)
    users.register(api, parts.users)
    measure_types.register(api, parts.measure_types)
    measures.register(api, parts.measures)
    series.register(api, parts.series)
    alert_rules.register(api, parts.alert_rules)
    alerts.register(api, parts.alerts)
    system.register(api, parts.database_ready, parts.broker_ready, lambda: [t.name for t in parts.measure_types.all()],
                    [series_gauge(parts.series.counts), firing_gauge(parts.alerts.firing)])
    return api


def create_app(parts: ApiParts, *, access_log: bool = False) -> Flask:
    """Build the WSGI app; no I/O happens until the first request.

    `access_log` adds one `mymonit.access` record per request (see `access_log`).
    """
    app = Flask("mymonit")
    app.config["MAX_CONTENT_LENGTH"] = parts.max_body_bytes
    app.config["PROPAGATE_EXCEPTIONS"] = False

    api = registered_api(parts)
    for blueprint in api.blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(parts.web_page)

    register_problem_handlers(app, parts.trail)
    install_metrics(app)
    _install_request_ids(app)
    if access_log:
        app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = TrustedProxy(app.wsgi_app, tuple(parts.trusted_proxies))  # type: ignore[method-assign]
    return app


def _install_request_ids(app: Flask) -> None:
    """Keep the proxy's X-Request-ID (nginx sets it) or make one; echo it to the client."""

    @app.before_request
    def _bind_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.audit_binding = bind_request(g.request_id, request.remote_addr)

    @app.teardown_request
    def _unbind_request(_error: BaseException | None) -> None:
        binding = g.pop("audit_binding", None)
        if binding is not None:
            binding.unbind()

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
