"""Unit-test fixtures: the services over in-memory fakes, and the real Flask app over the same fakes.

Nothing here opens a socket or a file other than the package's own data: no database, broker or network.
"""

from __future__ import annotations

from typing import Any

import pytest
from dependency_injector import providers
from flask import Flask
from flask.testing import FlaskClient

from mymonit.api.app import create_app
from mymonit.audit import AuditTrail
from mymonit.bootstrap import api_parts
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.model import Caller
from tests.unit.builders import TOKENS, a_store
from tests.unit.fakes import (
    FakeDatabase,
    FakeTokenVerifier,
    InMemoryStore,
    Ports,
    Services,
    caller_of,
    ports_over,
    services_over,
)

MAX_BODY = 2_048


@pytest.fixture
def store() -> InMemoryStore:
    return a_store()


@pytest.fixture
def ports(store: InMemoryStore) -> Ports:
    return ports_over(store)


@pytest.fixture
def services(ports: Ports) -> Services:
    return services_over(ports)


@pytest.fixture
def admin(store: InMemoryStore) -> Caller:
    return caller_of(store, "A001")


@pytest.fixture
def associated_scientist(store: InMemoryStore) -> Caller:
    """S001, associated with experiment 1."""
    return caller_of(store, "S001")


@pytest.fixture
def unassociated_scientist(store: InMemoryStore) -> Caller:
    """S002, associated with experiment 2 but not with experiment 1."""
    return caller_of(store, "S002")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting leaks in from the developer's shell or the checks' .env."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def settings(clean_environment: pytest.MonkeyPatch) -> Settings:  # noqa: ARG001  # clears the environment first
    return Settings(DB_PASSWORD="db-secret", RABBIT_PASSWORD="rabbit-secret", REST_MAX_BODY_BYTES=MAX_BODY)


@pytest.fixture
def container(settings: Settings, ports: Ports) -> Container:
    """The real composition root, with every provider that would do I/O replaced by a fake."""
    container = Container(settings=settings, audit_trail=AuditTrail())
    overrides: dict[providers.Provider[Any], object] = {
        container.user_repository: ports.users,
        container.experiment_repository: ports.experiments,
        container.association_repository: ports.associations,
        container.measure_type_repository: ports.measure_types,
        container.measure_reader: ports.reader,
        container.series_reader: ports.series,
        container.access_stamp: ports.stamp,
        container.alert_rule_repository: ports.alert_rules,
        container.alert_reader: ports.alerts,
        container.token_verifier: FakeTokenVerifier(TOKENS),
        container.database: FakeDatabase(),
        container.broker_probe: lambda: True,
    }
    for provider, fake in overrides.items():
        provider.override(providers.Object(fake))
    return container


@pytest.fixture
def app(container: Container) -> Flask:
    return create_app(api_parts(container))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
