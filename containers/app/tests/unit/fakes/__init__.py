"""In-memory fakes of our own ports (services/ports.py, ingest/ports.py, auth/verifier.py), sharing one
`InMemoryStore`; one module per port family, all importable from here.

The storage fakes behave as the MariaDB adapters do, and the contract tests in
tests/integration/contracts/ hold them to it: every case runs against the fake and the real database.
Change a fake only with its contract test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mymonit.domain.model import Caller
from mymonit.services.alert_rules import AlertRuleService
from mymonit.services.alerts import AlertService
from mymonit.services.experiments import ExperimentService
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.measures import MeasureService
from mymonit.services.ports import (
    AlertRuleRepository,
    AssociationRepository,
    ExperimentRepository,
    MeasureReader,
    MeasureTypeRepository,
    UserRepository,
)
from mymonit.services.series import SeriesService
from mymonit.services.users import UserService
from tests.unit.fakes.alerts import FakeAlertReader, FakeAlertRuleRepository
from tests.unit.fakes.auth import FakeAccountStatusSource, FakeTokenVerifier
from tests.unit.fakes.experiments import FakeAssociationRepository, FakeExperimentRepository
from tests.unit.fakes.measures import FakeMeasureReader, FakeMeasureSink, FakeMeasureTypeRepository
from tests.unit.fakes.series import FakeSeriesReader, FakeSeriesStore
from tests.unit.fakes.store import InMemoryStore, StoredMeasure
from tests.unit.fakes.system import FakeAccessStamp, FakeClock, FakeDatabase
from tests.unit.fakes.users import FakeUserRepository

__all__ = [
    "FakeAccessStamp", "FakeAccountStatusSource", "FakeAlertReader", "FakeAlertRuleRepository",
    "FakeAssociationRepository",
    "FakeClock", "FakeDatabase", "FakeExperimentRepository",
    "FakeMeasureReader", "FakeMeasureSink", "FakeMeasureTypeRepository", "FakeSeriesReader", "FakeSeriesStore",
    "FakeTokenVerifier", "FakeUserRepository",
    "InMemoryStore", "Ports", "Services", "StoredMeasure", "caller_of", "ports_over", "services_over",
]


@dataclass
class Ports:
    """The fakes, typed as the ports they stand for (mypy checks that they fit)."""

    users: UserRepository
    experiments: ExperimentRepository
    associations: AssociationRepository
    measure_types: MeasureTypeRepository
    reader: FakeMeasureReader  # the fake itself: tests read back the queries it was asked
    alert_rules: AlertRuleRepository
    alerts: FakeAlertReader
    series: FakeSeriesReader = field(default_factory=FakeSeriesReader)
    stamp: FakeAccessStamp = field(default_factory=FakeAccessStamp)

    @property
    def measure_reader(self) -> MeasureReader:
        return self.reader


@dataclass
class Services:
    users: UserService
    experiments: ExperimentService
    measure_types: MeasureTypeService
    measures: MeasureService
    series: SeriesService
    alert_rules: AlertRuleService
    alerts: AlertService


def ports_over(store: InMemoryStore) -> Ports:
    return Ports(FakeUserRepository(store), FakeExperimentRepository(store), FakeAssociationRepository(store),
                 FakeMeasureTypeRepository(store), FakeMeasureReader(store), FakeAlertRuleRepository(store),
                 FakeAlertReader(store))


def services_over(ports: Ports) -> Services:
    types = MeasureTypeService(ports.measure_types)
    series = SeriesService(ports.series, types)
    return Services(
        UserService(ports.users, ports.stamp),
        ExperimentService(ports.experiments, ports.associations, ports.users, ports.stamp),
        types,
        MeasureService(ports.measure_reader, types, series),
        series,
        AlertRuleService(ports.alert_rules, ports.experiments, types, local_webhooks=True),
        AlertService(ports.alerts),
    )


def caller_of(store: InMemoryStore, user_id: str) -> Caller:
    """The user as a request would see them: with their associations at this moment."""
    caller = FakeUserRepository(store).caller(store.users[user_id].username.reveal() or "")
    assert caller is not None, f"{user_id} is erased"
    return caller
