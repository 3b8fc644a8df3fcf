"""Unauthenticated endpoints: /health, /metrics, /openapi.json and the Swagger UI at /docs."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import flask_swagger_ui
from flask import Response, send_from_directory

from mymonit.api.http_metrics import metrics_text
from mymonit.api.openapi import build_openapi
from mymonit.api.operations import Api, Operation
from mymonit.api.responses import json_response
from mymonit.api.schemas import Health
from mymonit.api.stored_gauges import StoredGauge, gauges_text

SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
DOCS = resources.files("mymonit") / "static" / "docs"
TAG = "service"


def register(api: Api, database_ready: Callable[[], bool], broker_ready: Callable[[], bool],
             measure_types: Callable[[], list[str]], gauges: list[StoredGauge]) -> None:
    bp = api.blueprint("system")

    @api.operation(bp, Operation("GET", "/health", "Readiness of the service, its database and its broker", TAG,
                                 secured=False, response=Health, also=(503,),
                                 description="200 while the database answers (status 'degraded' if the broker "
                                             "does not); 503 when the database does not."))
    def health() -> Response:
        database, broker = database_ready(), broker_ready()
        status = "ok" if database and broker else "degraded"
        return json_response({"status": status, "database": database, "broker": broker}, 200 if database else 503)

    @api.operation(bp, Operation("GET", "/metrics", "Prometheus metrics", TAG, secured=False, response=str,
                                 media_type="text/plain"))
    def metrics() -> Response:
        body, content_type = metrics_text()
        return Response(body + gauges_text(gauges), content_type=content_type)

    spec: dict[str, object] = {}

    @api.operation(bp, Operation("GET", "/openapi.json", "This document", TAG, secured=False, response=dict))
    def openapi() -> Response:
        if not spec:
            spec.update(build_openapi(api.operations, measure_types()))
        return json_response(spec)

    @bp.get("/docs")
    @bp.get("/docs/")
    def docs() -> Response:
        return Response(DOCS.joinpath("index.html").read_bytes(), mimetype="text/html")

    @bp.get("/docs/init.js")
    def docs_script() -> Response:
        return Response(DOCS.joinpath("init.js").read_bytes(), mimetype="text/javascript")

    @bp.get("/docs/assets/<path:name>")
    def docs_assets(name: str) -> Response:
        return send_from_directory(SWAGGER_ASSETS, name, max_age=86_400)
