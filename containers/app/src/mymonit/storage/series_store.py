"""The consumer's side of the `series` table: find or create series, within the experiment's limit."""

from __future__ import annotations

from collections.abc import Sequence

from mymonit.domain.series import Labels, identity_hash
from mymonit.ingest.errors import SeriesLimitReached
from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import placeholders

_LOCK_EXPERIMENT = "SELECT experiment_id FROM experiments WHERE experiment_id = %s FOR UPDATE"
_COUNT = "SELECT COUNT(*) FROM series WHERE experiment_id = %s"
_CREATE = ("INSERT IGNORE INTO series (experiment_id, type_id, sensor, tags, identity_hash)"
           " VALUES (%s, %s, %s, %s, %s)")


class MySqlSeriesStore:
    """Implements `mymonit.ingest.ports.SeriesStore`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def ensure(self, experiment_id: int, wanted: Sequence[tuple[int, Labels]], limit: int) -> list[int]:
        hashes = [identity_hash(experiment_id, type_id, labels) for type_id, labels in wanted]

        def work(connection: Connection) -> list[int]:
            found = _ids(connection, hashes)
            if len(found) < len(set(hashes)):
                found = _create(connection, experiment_id, wanted, hashes, limit)
            return [found[h] for h in hashes]

        return self._db.run(work)


def _ids(connection: Connection, hashes: Sequence[bytes]) -> dict[bytes, int]:
    sql = f"SELECT identity_hash, series_id FROM series WHERE identity_hash IN ({placeholders(len(hashes))})"  # noqa: S608  # nosec B608  # placeholders only
    rows = connection.fetch_all(sql, tuple(hashes))
    return {bytes(h): int(i) for h, i in rows}


def _create(connection: Connection, experiment_id: int, wanted: Sequence[tuple[int, Labels]],
            hashes: Sequence[bytes], limit: int) -> dict[bytes, int]:
    """Create the missing series under the experiment's row lock, or none if over `limit`."""
    with connection.transaction() as cursor:
        cursor.execute(_LOCK_EXPERIMENT, (experiment_id,))
        cursor.fetchall()
        found = _ids(connection, hashes)  # another consumer may have created some meanwhile
        missing = {h: pair for h, pair in zip(hashes, wanted, strict=True) if h not in found}
        cursor.execute(_COUNT, (experiment_id,))
        (count,) = cursor.fetchone()
        if count + len(missing) > limit:
            raise SeriesLimitReached(experiment_id)
        for digest, (type_id, labels) in missing.items():
            cursor.execute(_CREATE, (experiment_id, type_id, labels.sensor, labels.tags, digest))
        return _ids(connection, hashes)
