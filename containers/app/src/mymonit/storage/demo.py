"""The demo data set (never loaded by migrations): three users, two experiments, ten measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mymonit.domain.dedup import dedup_key
from mymonit.domain.model import Role
from mymonit.domain.series import DEFAULT_LABELS
from mymonit.storage.database import Database
from mymonit.storage.measure_writer import MySqlMeasureWriter, NewMeasure
from mymonit.storage.series_store import MySqlSeriesStore
from mymonit.storage.session import Connection


@dataclass(frozen=True, slots=True)
class DemoUser:
    user_id: str
    name: str
    uid: str
    email: str
    role: Role


DEMO_USERS = (
    DemoUser("A001", "Allan Alcorn", "demo-aalcorn", "aalcorn@home.cern", Role.ADMIN),
    DemoUser("S001", "Peter Higg", "demo-phigg", "phigg@home.cern", Role.SCIENTIST),
    DemoUser("S002", "Katie Bouman", "demo-kbouman", "kbouman@home.cern", Role.SCIENTIST),
)
DEMO_EXPERIMENTS = ("device-vibrations", "black-holes")
DEMO_ASSOCIATIONS = (("S001", "device-vibrations"), ("S002", "black-holes"))
DEMO_START = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)
DEMO_HERTZ = (100.0, 95.0, 94.0, 110.0, 120.0, 130.0, 110.0, 110.0, 105.0, 120.0)


def load_demo(database: Database) -> int:
    """Insert the demo data where missing (idempotent); returns how many measures were new."""
    database.run(_load_entities)
    experiment_id, hertz = database.run(_ids)
    (series_id,) = MySqlSeriesStore(database).ensure(experiment_id, [(hertz, DEFAULT_LABELS)], limit=10_000)
    measures = [
        NewMeasure.at(experiment_id, hertz, moment, value, dedup_key("device-vibrations", "hertz", moment, value),
                      series_id)
        for moment, value in ((DEMO_START + timedelta(minutes=i), v) for i, v in enumerate(DEMO_HERTZ))
    ]
    return MySqlMeasureWriter(database).insert(measures)


def _load_entities(connection: Connection) -> None:
    cursor = connection.cursor()
    try:
        for user in DEMO_USERS:
            cursor.execute(
                "INSERT IGNORE INTO users (user_id, name, username, email, role) VALUES (%s, %s, %s, %s, %s)",
                (user.user_id, user.name, user.uid, user.email, user.role.value),
            )
        for name in DEMO_EXPERIMENTS:
            cursor.execute("INSERT IGNORE INTO experiments (name) VALUES (%s)", (name,))
        for user_id, experiment in DEMO_ASSOCIATIONS:
            cursor.execute(
                "INSERT IGNORE INTO user_experiments (user_id, experiment_id)"
                " SELECT %s, experiment_id FROM experiments WHERE name = %s",
                (user_id, experiment),
            )
    finally:
        cursor.close()


def _ids(connection: Connection) -> tuple[int, int]:
    experiment = connection.fetch_all("SELECT experiment_id FROM experiments WHERE name = 'device-vibrations'")
    hertz = connection.fetch_all("SELECT type_id FROM measure_types WHERE name = 'hertz'")
    return int(experiment[0][0]), int(hertz[0][0])
