"""The Flask application factory."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

from mymonit.api.access_log import AccessLog
from mymonit.api.metrics import install_metrics
from mymonit.api.operations import Api
from mymonit.api.problems import register_problem_handlers
from mymonit.api.proxy import TrustedProxy
from mymonit.api.resources import experiments, measure_types, measures, system, users
from mymonit.audit import bind_request
from mymonit.config import parse_networks
from mymonit.container import Container

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(container: Container, *, access_log: bool = False) -> Flask:
    """Build the WSGI app from the container; no I/O happens until the first request.

    `access_log` adds one `mymonit.access` record per request (see `access_log`).
    """
    settings = container.settings()
    app = Flask("mymonit")
    app.config["MAX_CONTENT_LENGTH"] = settings.REST_MAX_BODY_BYTES
    app.config["PROPAGATE_EXCEPTIONS"] = False

    trail = container.audit_trail()
    api = Api(authenticate=container.authenticator(), trail=trail)
    experiments.register(api, container.experiment_service())
    users.register(api, container.user_service())
    measure_types.register(api, container.measure_type_service())
    measures.register(api, container.measure_service())
    types = container.measure_type_service()
    system.register(api, container.database().ping, container.broker_probe(),
                    lambda: [t.name for t in types.all()])
    for blueprint in api.blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(container.web_page())

    register_problem_handlers(app, trail)
    install_metrics(app)
    _install_request_ids(app)
    if access_log:
        app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = TrustedProxy(app.wsgi_app, parse_networks(settings.REST_TRUSTED_PROXIES))  # type: ignore[method-assign]
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
