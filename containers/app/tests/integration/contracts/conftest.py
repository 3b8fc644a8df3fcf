"""Contract tests: every case runs against the unit tests' in-memory fakes and against the MariaDB
adapters they stand for, through the fixture `storage` (params "fake" and "mariadb").

The MariaDB side gets a database of its own for the session, migrated, and emptied before each
test (the measure types stay: the migrations seed them), so a case sees only what it made, on
either side, and can compare whole listings.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator

import pytest

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.model import MeasureType
from mymonit.ingest.ports import NewMeasure
from mymonit.storage.session import Connection
from tests.integration.contracts.contract_world import Storage
from tests.support.databases import migrated_database
from tests.unit.builders import HERTZ, NEWTON
from tests.unit.fakes import (
    FakeAlertRuleRepository,
    FakeAssociationRepository,
    FakeExperimentRepository,
    FakeMeasureReader,
    FakeMeasureSink,
    FakeMeasureTypeRepository,
    FakeUserRepository,
    InMemoryStore,
)

METRE = MeasureType(1, "metre", "m", "length")  # as migration 0002 numbers it


@pytest.fixture(scope="session")
def contract_container(settings: Settings) -> Iterator[Container]:
    """A container on a database of this session alone (so a concurrent run cannot empty it)."""
    name = f"{settings.DB_DATABASE}_contracts_{os.getpid()}"
    with migrated_database(settings.model_copy(update={"DB_DATABASE": name})) as container:
        yield container


# A series named by its id, as the consumer would have made it (series 0 is the upgrade's, never
# made); labelled by its id, so each has an identity of its own.
_SERIES = ("INSERT IGNORE INTO series (series_id, experiment_id, type_id, sensor, identity_hash)"
           " VALUES (%s, %s, %s, %s, %s)")


def _empty(connection: Connection) -> None:
    with connection.transaction() as cursor:
        for table in ("rollup_dirty", "rollup_backlog", "rollup_minute", "rollup_hour", "measures",
                      "user_experiments", "users", "experiments"):  # children first
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # fixed table names


def mariadb_world(container: Container) -> Storage:
    """The MariaDB adapters over the session's database, emptied."""
    container.database().run(_empty)
    c = container

    def make_series(measures: Iterable[NewMeasure]) -> None:
        named = sorted({(m.series_id, m.experiment_id, m.type_id) for m in measures if 0 < m.series_id < 2**32})
        rows = [(*row, f"s{row[0]}", hashlib.sha256(str(row[0]).encode()).digest()[:16]) for row in named]
        container.database().run(lambda connection: [connection.execute(_SERIES, row) for row in rows])

    return Storage(c.user_repository(), c.experiment_repository(), c.association_repository(),
                   c.measure_type_repository(), c.measure_reader(), c.measure_writer(), c.alert_rule_repository(),
                   make_series)


def fake_world() -> Storage:
    """The fakes over one new store, as the unit tests build them."""
    store = InMemoryStore(measure_types=[NEWTON, METRE, HERTZ])  # out of order on purpose
    return Storage(FakeUserRepository(store), FakeExperimentRepository(store),
                   FakeAssociationRepository(store), FakeMeasureTypeRepository(store), FakeMeasureReader(store),
                   FakeMeasureSink(store), FakeAlertRuleRepository(store))


@pytest.fixture(params=["fake", "mariadb"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Every port over one world: the fakes over one store, or the adapters over one database (only the
    "mariadb" cases ask for the database)."""
    if request.param == "fake":
        return fake_world()
    return mariadb_world(request.getfixturevalue(contract_container.__name__))
