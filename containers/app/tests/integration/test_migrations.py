"""Migrations 0003 and 0004 on a database that holds measures: nothing lost, old keys still deduplicate,
every measure in its default series."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.dedup import dedup_key
from mymonit.domain.series import DEFAULT_LABELS, identity_hash
from mymonit.domain.timestamps import unix_micros
from mymonit.ingest.ports import NewMeasure
from mymonit.storage import series_backfill
from mymonit.storage.migrator import MIGRATION_LOCK, available_migrations
from mymonit.storage.session import Connection
from tests.support.databases import drop_database, recreate_database

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

    applied = migrator.upgrade(up_to=3)

    assert [m.version for m in applied] == [3]
    rows = database.run(lambda c: c.fetch_all("SELECT ts, value, dedup_key FROM measures ORDER BY ts"))
    moments = [T0 + timedelta(minutes=m) for m in range(len(VALUES))]
    assert [(ts.replace(tzinfo=UTC), value) for ts, value, _ in rows] == list(zip(moments, VALUES, strict=True))
    assert [key for *_, key in rows] == [dedup_key("device-vibrations", "hertz", m, v)
                                        for m, v in zip(moments, VALUES, strict=True)]
    migrator.upgrade()  # the writer marks minutes for the rollups (0009)
    series_id = _default_series(scratch, experiment_id)
    redelivered = [NewMeasure.at(experiment_id, HERTZ, m, v, dedup_key("device-vibrations", "hertz", m, v), series_id)
                   for m, v in zip(moments, VALUES, strict=True)]
    new = NewMeasure.at(experiment_id, HERTZ, T0 + timedelta(hours=1), 1.0,
                        dedup_key("device-vibrations", "hertz", T0 + timedelta(hours=1), 1.0), series_id)
    assert scratch.measure_writer().insert([*redelivered, new]) == 1
    newest = available_migrations()[-1].version
    assert database.run(lambda c: c.fetch_all("SELECT MAX(version) FROM schema_migrations")) == [(newest,)]
    assert database.run(lambda c: c.fetch_all("SELECT series_id, from_minute, to_minute FROM rollup_backlog")) == [
        (series_id, _minute(moments[0]), _minute(moments[-1]))]  # the rows stored before 0009, to roll up


def _default_series(container: Container, experiment_id: int) -> int:
    [(series_id,)] = container.database().run(lambda c: c.fetch_all(
        "SELECT series_id FROM series WHERE experiment_id = %s AND type_id = %s AND sensor IS NULL AND tags = '{}'",
        (experiment_id, HERTZ)))
    return int(series_id)


def _store_without_series(connection: Connection, experiment_id: int, count: int, type_id: int = HERTZ) -> None:
    """Rows as a consumer that knows nothing of series stores them (before 0004, or during it)."""
    for n in range(count):
        moment = (T0 + timedelta(seconds=n)).replace(tzinfo=None)
        connection.execute("INSERT INTO measures (experiment_id, type_id, ts, value, dedup_key)"
                           " VALUES (%s, %s, %s, %s, %s)",
                           (experiment_id, type_id, moment, float(n), type_id * 1000 + n))


def test_upgrading_to_series_moves_every_measure_into_its_default_series_in_chunks(
    scratch: Container, monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, migrator = scratch.database(), scratch.migrator()
    migrator.upgrade(up_to=3)
    experiment_id = database.run(lambda c: c.execute("INSERT INTO experiments (name) VALUES ('at-3')") and int(
        c.fetch_all("SELECT LAST_INSERT_ID()")[0][0]))
    database.run(lambda c: _store_without_series(c, experiment_id, len(VALUES)))
    database.run(lambda c: _store_without_series(c, experiment_id, 25, type_id=HERTZ + 1))
    monkeypatch.setattr(series_backfill, "CHUNK_ROWS", 4)  # several chunks, and a short last one

    assert [m.version for m in migrator.upgrade(up_to=4)] == [4]

    series = database.run(lambda c: c.fetch_all(
        "SELECT type_id, series_id, identity_hash FROM series WHERE experiment_id = %s ORDER BY type_id",
        (experiment_id,)))
    assert [(t, bytes(h)) for t, _, h in series] == [
        (t, identity_hash(experiment_id, t, DEFAULT_LABELS)) for t in (HERTZ, HERTZ + 1)]
    counts = database.run(lambda c: c.fetch_all(
        "SELECT series_id, COUNT(*) FROM measures GROUP BY series_id ORDER BY series_id"))
    assert counts == [(series[0][1], len(VALUES)), (series[1][1], 25)]


def test_rows_an_older_consumer_stored_during_the_upgrade_are_moved_by_the_backfill_command(
    scratch: Container,
) -> None:
    database, migrator = scratch.database(), scratch.migrator()
    migrator.upgrade()
    experiment_id = database.run(lambda c: c.execute("INSERT INTO experiments (name) VALUES ('late')") and int(
        c.fetch_all("SELECT LAST_INSERT_ID()")[0][0]))
    database.run(lambda c: _store_without_series(c, experiment_id, 7))

    assert migrator.backfill_series() == 7
    assert migrator.backfill_series() == 0
    series_id = _default_series(scratch, experiment_id)
    assert database.run(lambda c: c.fetch_all("SELECT COUNT(*) FROM measures WHERE series_id = %s",
                                              (series_id,))) == [(7,)]
    assert database.run(lambda c: c.fetch_all("SELECT series_id, from_minute, to_minute FROM rollup_backlog")) == [
        (series_id, _minute(T0), _minute(T0 + timedelta(seconds=6)))]  # moved: rolled up again


def _minute(moment: datetime) -> int:
    return unix_micros(moment) // 60_000_000


def test_a_database_migrates_while_another_on_the_same_server_holds_its_migration_lock(
        scratch: Container, container: Container) -> None:
    holder = container.database()  # the suite's database, migrated: another database on the same server

    def hold_then_migrate(connection: Connection) -> list[object]:
        connection.fetch_all(f"SELECT GET_LOCK({MIGRATION_LOCK}, 0)")  # a constant
        try:
            return list(scratch.migrator().upgrade())
        finally:
            connection.fetch_all(f"SELECT RELEASE_LOCK({MIGRATION_LOCK})")  # a constant

    assert holder.run(hold_then_migrate, retry=False)  # every migration applied, without waiting 60 s
