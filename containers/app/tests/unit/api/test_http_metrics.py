"""The HTTP metrics: one series per method, route and status, with no room for invented methods."""

from __future__ import annotations

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from mymonit.api.http_metrics import install_metrics


def counted(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("mymonit_http_requests_total", labels) or 0.0


def show(thing: int) -> str:
    return str(thing)


@pytest.fixture
def app() -> Flask:
    app = Flask("metrics-test")
    app.add_url_rule("/things/<int:thing>", "thing", show)
    install_metrics(app)
    return app


def test_requests_are_counted_by_method_route_and_status(app: Flask) -> None:
    before = (counted("GET", "/things/<int:thing>", "200"), counted("GET", "unmatched", "404"))

    for path in ("/things/1", "/things/2", "/nowhere"):
        app.test_client().get(path)

    after = (counted("GET", "/things/<int:thing>", "200"), counted("GET", "unmatched", "404"))
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)


def test_a_method_nobody_defined_is_counted_as_other(app: Flask) -> None:
    before = counted("OTHER", "unmatched", "405")

    app.test_client().open("/things/1", method="BREW")

    assert counted("OTHER", "unmatched", "405") - before == 1
    assert counted("BREW", "unmatched", "405") == 0
