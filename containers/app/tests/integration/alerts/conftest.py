"""The alerting tests run on a database of their own, emptied of rules and alerts before each."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.storage.session import Connection
from tests.integration.alerts.alert_world import AlertWorld
from tests.support.databases import migrated_database
from tests.support.webhook_receiver import Receiver, webhook_receiver

SECRET = "test-webhook-secret"  # nosec B105  # the tests' own, not a deployment's


@pytest.fixture(scope="session")
def alerts_settings(settings: Settings) -> Settings:
    name = f"{settings.DB_DATABASE}_alerts_{os.getpid()}"
    return settings.model_copy(update={"DB_DATABASE": name, "ALERT_WEBHOOK_SECRET": SecretStr(SECRET)})


@pytest.fixture(scope="session")
def alerts_container(alerts_settings: Settings) -> Iterator[Container]:
    with migrated_database(alerts_settings) as container:
        yield container


@pytest.fixture
def alert_world(alerts_container: Container) -> AlertWorld:
    def empty(connection: Connection) -> None:
        for table in ("alert_outbox", "alert_rules", "measures", "series", "experiments"):
            connection.execute(f"DELETE FROM {table}")  # noqa: S608  # fixed names

    alerts_container.database().run(empty)
    experiment = alerts_container.experiment_repository().add("alerted")
    return AlertWorld(alerts_container, experiment)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running
