"""Restarting MariaDB under a running API: clean 503s during the outage, success after, no API restart."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from tests.support.api_world import Caller
from tests.support.environment import ROOT

pytestmark = pytest.mark.slow


def _stop_mariadb() -> None:
    subprocess.run(["mariadb-admin", "--protocol=socket", "-uroot", "shutdown"], check=True, timeout=60)


def _start_infrastructure() -> None:
    subprocess.run([str(ROOT / "run-infra.sh")], check=True, timeout=300, capture_output=True)


@pytest.fixture
def outage() -> Iterator[None]:
    _stop_mariadb()
    try:
        yield
    finally:
        _start_infrastructure()


def test_requests_fail_cleanly_while_the_database_is_down_and_succeed_once_it_is_back(
    client: FlaskClient, admin: Caller, request: pytest.FixtureRequest,
) -> None:
    assert client.get("/experiments/", headers=admin.headers).status_code == 200

    request.getfixturevalue("outage")
    during = client.get("/experiments/", headers=admin.headers)
    health = client.get("/health")
    _start_infrastructure()
    after = [client.get("/experiments/", headers=admin.headers).status_code for _ in range(5)]

    assert during.status_code == 503
    assert during.mimetype == "application/problem+json"
    assert during.headers["Retry-After"]
    assert health.status_code == 503
    assert health.get_json()["database"] is False
    assert after == [200] * 5
