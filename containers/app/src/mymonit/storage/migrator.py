"""Versioned schema migrations: numbered SQL files applied once each, in order, under a lock."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Final

from mymonit.storage.database import Database
from mymonit.storage.rollup_store import mark_backlog
from mymonit.storage.series_backfill import backfill_series
from mymonit.storage.session import Connection

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# One lock per database (GET_LOCK names are server-wide, and at most 64 characters long): migrating
# one database never waits for another on the same server.
MIGRATION_LOCK = "CONCAT('mymonit_migrations.', SHA1(DATABASE()))"
# Data steps too long for one statement: run after their version's SQL, before it is recorded.
# Each must be resumable, as every statement of its SQL must be repeatable.
DATA_STEPS: Final[dict[int, Callable[[Connection], object]]] = {4: backfill_series, 9: mark_backlog}


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """Split on `;` at line ends; the migration files keep one statement per terminator."""
        body = "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))
        return [part.strip() for part in re.split(r";\s*$", body, flags=re.M) if part.strip()]


def available_migrations() -> list[Migration]:
    folder = resources.files("mymonit.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


class Migrator:
    """Brings a database to the newest schema. Safe to run from several processes at once."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def upgrade(self, up_to: int | None = None) -> list[Migration]:
        """Apply every migration not yet recorded (up to version `up_to` if given); returns those applied now."""
        return self._database.run(lambda connection: self._upgrade(connection, up_to), retry=False)

    def backfill_series(self) -> int:
        """Move measures left in series 0 into their default series (migration 0004's data step,
        again: for rows an older consumer stored while it ran); returns how many moved."""
        return self._database.run(backfill_series, retry=False)

    def _upgrade(self, connection: Connection, up_to: int | None) -> list[Migration]:
        _ensure_table(connection)
        if connection.fetch_all(f"SELECT GET_LOCK({MIGRATION_LOCK}, 60)")[0][0] != 1:  # a constant
            raise RuntimeError("another process holds the migration lock for over 60 s")
        try:
            done = {int(row[0]) for row in connection.fetch_all("SELECT version FROM schema_migrations")}
            pending = [m for m in available_migrations()
                       if m.version not in done and (up_to is None or m.version <= up_to)]
            for migration in pending:
                _apply(connection, migration)
            return pending
        finally:
            connection.fetch_all(f"SELECT RELEASE_LOCK({MIGRATION_LOCK})")  # a constant


def _ensure_table(connection: Connection) -> None:
    cursor = connection.cursor()
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL,"
        " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB"
    )
    cursor.close()


def _apply(connection: Connection, migration: Migration) -> None:
    log.info("applying migration %04d_%s", migration.version, migration.name)
    cursor = connection.cursor()
    try:
        for statement in migration.statements():
            cursor.execute(statement)
        step = DATA_STEPS.get(migration.version)
        if step is not None:
            step(connection)
        cursor.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
            (migration.version, migration.name),
        )
    finally:
        cursor.close()
