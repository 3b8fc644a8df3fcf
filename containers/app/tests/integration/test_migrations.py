"""Migration 0003 on a database that holds measures: nothing lost, and old keys still deduplicate."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from databases import drop_database, recreate_database

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key
from mymonit.domain.timestamps import unix_micros
from mymonit.ingest.ports import NewMeasure
from mymonit.storage.session import Connection

T0 = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)
VALUES = [100.0, 95.0, 94.0, 110.0]
HERTZ = 10  # type_id of hertz in migration 0002


@pytest.fixture
def scratch(settings: Settings) -> Iterator[Container]:
    """A container on a database of its own, empty: not even the migrations table."""
    name = f"{settings.DB_DATABASE}_migrations"
    recreate_database(settings, name)
    container = Container(settings=settings.model_copy(update={"DB_DATABASE": name}))
    yield container
    container.database().close()
    drop_database(settings, name)


def _key_before_0003(moment: datetime, value: float) -> bytes:
    """The 16-byte key that versions 1 and 2 of the schema stored."""
    digest = hashlib.blake2b(digest_size=16, person=b"mymonit-measure")
    digest.update(b"device-vibrations\x00hertz\x00" + struct.pack(">qd", unix_micros(moment), value))
    return digest.digest()


def _fill_version_2(connection: Connection) -> int:
    cursor = connection.cursor()
    cursor.execute("INSERT INTO experiments (name) VALUES ('device-vibrations')")
    experiment_id = int(cursor.lastrowid or 0)
    for minute, value in enumerate(VALUES):
        moment = T0 + timedelta(minutes=minute)
        row = (experiment_id, HERTZ, moment.replace(tzinfo=None), value, _key_before_0003(moment, value))
        cursor.execute("INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key)"
                       " VALUES (%s, %s, %s, %s, %s)", row)
    cursor.close()
    return experiment_id


def test_upgrading_keeps_every_measure_and_a_redelivered_one_is_still_a_duplicate(scratch: Container) -> None:
    database, migrator = scratch.database(), scratch.migrator()
    migrator.upgrade(up_to=2)
    experiment_id = database.run(_fill_version_2)

    applied = migrator.upgrade()

    assert [m.version for m in applied] == [3]
    rows = database.run(lambda c: c.fetch_all("SELECT ts, value, dedup_key FROM measures ORDER BY ts"))
    moments = [T0 + timedelta(minutes=m) for m in range(len(VALUES))]
    assert [(ts.replace(tzinfo=UTC), value) for ts, value, _ in rows] == list(zip(moments, VALUES, strict=True))
    assert [key for *_, key in rows] == [dedup_key("device-vibrations", "hertz", m, v)
                                        for m, v in zip(moments, VALUES, strict=True)]
    redelivered = [NewMeasure.at(experiment_id, HERTZ, m, v, dedup_key("device-vibrations", "hertz", m, v))
                   for m, v in zip(moments, VALUES, strict=True)]
    new = NewMeasure.at(experiment_id, HERTZ, T0 + timedelta(hours=1), 1.0,
                     dedup_key("device-vibrations", "hertz", T0 + timedelta(hours=1), 1.0))
    assert scratch.measure_writer().insert([*redelivered, new]) == 1
    assert database.run(lambda c: c.fetch_all("SELECT MAX(version) FROM schema_migrations")) == [(3,)]
