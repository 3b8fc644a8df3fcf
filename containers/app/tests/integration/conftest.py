"""Integration fixtures: the real MariaDB, Auth Emulator and RabbitMQ that run-infra.sh starts.

The session gets its own database (my_monit_test, recreated), vhost and emulator accounts, so the
demo stack of ./run.sh is never touched.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mymonit.api.app import create_app
from mymonit.bootstrap import api_parts
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.model import Role
from tests.support.api_world import Caller, World
from tests.support.databases import migrated_database
from tests.support.emulator import Emulator
from tests.support.environment import test_environment

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    values = test_environment()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        yield Settings()


@pytest.fixture(scope="session")
def container(settings: Settings) -> Iterator[Container]:
    with migrated_database(settings, drop=False) as container:
        yield container


@pytest.fixture(scope="session")
def app(container: Container) -> Flask:
    return create_app(api_parts(container))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def emulator(container: Container, settings: Settings) -> Emulator:
    assert settings.FIREBASE_AUTH_EMULATOR_HOST, "run ./run-infra.sh: the tests need the Auth Emulator"
    return Emulator(container.firebase(), settings.FIREBASE_AUTH_EMULATOR_HOST)


@pytest.fixture(scope="session")
def world(container: Container, emulator: Emulator) -> World:
    return World(container, emulator)


@pytest.fixture(scope="session")
def admin(world: World) -> Caller:
    return world.caller(Role.ADMIN)


@pytest.fixture(scope="session")
def scientist(world: World) -> Caller:
    """A scientist; tests associate them with the experiments they need."""
    return world.caller(Role.SCIENTIST)


@pytest.fixture(scope="session")
def outsider(world: World) -> Caller:
    """A scientist associated with nothing the tests read."""
    return world.caller(Role.SCIENTIST)
