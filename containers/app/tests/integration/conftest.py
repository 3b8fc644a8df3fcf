"""Integration fixtures: the real MariaDB, Auth Emulator and RabbitMQ that run-infra.sh starts.

The session gets its own database (my_monit_test, recreated), vhost and emulator accounts, so the
demo stack of ./run.sh is never touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import mysql.connector
import pytest
from emulator import Account, Emulator
from environment import test_environment
from flask import Flask
from flask.testing import FlaskClient

from mymonit.api.app import create_app
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key
from mymonit.domain.model import Experiment, Role, User
from mymonit.domain.personal import Personal
from mymonit.storage.measure_writer import NewMeasure

T0 = datetime(2024, 1, 1, tzinfo=UTC)

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


def _recreate_database(settings: Settings) -> None:
    connection = mysql.connector.connect(
        host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
        password=settings.DB_PASSWORD.get_secret_value(),
    )
    cursor = connection.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{settings.DB_DATABASE}`")
    cursor.execute(f"CREATE DATABASE `{settings.DB_DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    connection.close()


@pytest.fixture(scope="session")
def container(settings: Settings) -> Iterator[Container]:
    _recreate_database(settings)
    container = Container(settings=settings)
    container.migrator().upgrade()
    yield container
    container.database().close()


@pytest.fixture(scope="session")
def app(container: Container) -> Flask:
    return create_app(container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def emulator(container: Container, settings: Settings) -> Emulator:
    assert settings.FIREBASE_AUTH_EMULATOR_HOST, "run ./run-infra.sh: the tests need the Auth Emulator"
    return Emulator(container.firebase(), settings.FIREBASE_AUTH_EMULATOR_HOST)


@dataclass(frozen=True)
class Caller:
    """A user of the API: their row, their emulator account and a fresh ID token."""

    user: User | None
    account: Account | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class World:
    """Builders for users, experiments and associations with unique names."""

    def __init__(self, container: Container, emulator: Emulator) -> None:
        self.container = container
        self.emulator = emulator

    def caller(self, role: Role = Role.SCIENTIST, *, register: bool = True) -> Caller:
        account = self.emulator.new_account(role.value.lower())
        user = None
        if register:
            user = User(f"T{secrets.token_hex(4)}", Personal(f"Test {role.value.title()}"), Personal(account.uid),
                        Personal(account.email), role)
            self.container.user_repository().add(user)
        return Caller(user, account, self.emulator.token(account))

    def user_row(self, role: Role = Role.SCIENTIST) -> User:
        """A registered user with no emulator account (a target of admin actions)."""
        suffix = secrets.token_hex(4)
        user = User(f"U{suffix}", Personal(f"Target {suffix}"), Personal(f"uid-{suffix}"),
                    Personal(f"target-{suffix}@tests.mymonit.invalid"), role)
        self.container.user_repository().add(user)
        return user

    def experiment(self, prefix: str = "exp") -> Experiment:
        return self.container.experiment_repository().add(f"{prefix}-{secrets.token_hex(5)}")

    def measures(self, experiment: Experiment, values: list[float], *, start: datetime = T0,
                 step: timedelta = timedelta(seconds=1), measure: str = "hertz") -> list[datetime]:
        """Store one measure per value, `step` apart from `start`; returns their timestamps."""
        type_id = self.container.measure_type_service().type_id(measure)
        assert type_id is not None
        moments = [start + step * i for i in range(len(values))]
        rows = [NewMeasure(experiment.experiment_id, type_id, moment, value,
                           dedup_key(experiment.name, measure, moment, value))
                for moment, value in zip(moments, values, strict=True)]
        self.container.measure_writer().write(rows)
        return moments

    def associate(self, who: Caller | User, experiment: Experiment) -> None:
        user = who.user if isinstance(who, Caller) else who
        assert user is not None
        self.container.association_repository().grant(user.user_id, experiment.experiment_id)


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
