"""Experiments and their associations with scientists in MySQL."""

from __future__ import annotations

from typing import Any

import mysql.connector
from mysql.connector import errorcode

from mymonit.domain.errors import DuplicateExperiment, ExperimentHasMeasures
from mymonit.domain.model import Experiment
from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import duplicate_key


def _experiment(row: tuple[Any, ...]) -> Experiment:
    return Experiment(experiment_id=int(row[0]), name=str(row[1]))


class MySqlExperimentRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self) -> list[Experiment]:
        sql = "SELECT experiment_id, name FROM experiments ORDER BY experiment_id"
        rows = self._db.run(lambda c: c.fetch_all(sql))
        return [_experiment(row) for row in rows]

    def by_id(self, experiment_id: int) -> Experiment | None:
        sql = "SELECT experiment_id, name FROM experiments WHERE experiment_id = %s"
        rows = self._db.run(lambda c: c.fetch_all(sql, (experiment_id,)))
        return _experiment(rows[0]) if rows else None

    def by_name(self, name: str) -> Experiment | None:
        sql = "SELECT experiment_id, name FROM experiments WHERE name = %s"
        rows = self._db.run(lambda c: c.fetch_all(sql, (name,)))
        return _experiment(rows[0]) if rows else None

    def add(self, name: str) -> Experiment:
        def work(connection: Connection) -> Experiment:
            cursor = connection.cursor()
            try:
                cursor.execute("INSERT INTO experiments (name) VALUES (%s)", (name,))
                return Experiment(experiment_id=int(cursor.lastrowid or 0), name=name)
            finally:
                cursor.close()

        try:
            return self._db.run(work, retry=False)
        except mysql.connector.IntegrityError as error:
            if duplicate_key(error):
                raise DuplicateExperiment from error
            raise

    def rename(self, experiment_id: int, name: str) -> None:
        try:
            sql = "UPDATE experiments SET name = %s WHERE experiment_id = %s"
            self._db.run(lambda c: c.execute(sql, (name, experiment_id)))
        except mysql.connector.IntegrityError as error:
            if duplicate_key(error):
                raise DuplicateExperiment from error
            raise

    def delete(self, experiment_id: int) -> None:
        def work(connection: Connection) -> None:
            with connection.transaction() as cursor:
                cursor.execute("DELETE FROM user_experiments WHERE experiment_id = %s", (experiment_id,))
                cursor.execute("DELETE FROM experiments WHERE experiment_id = %s", (experiment_id,))

        try:
            self._db.run(work)
        except mysql.connector.IntegrityError as error:
            # The measures' foreign key refuses it (and so does a measure stored meanwhile).
            if error.errno == errorcode.ER_ROW_IS_REFERENCED_2:
                raise ExperimentHasMeasures(experiment_id) from error
            raise


class MySqlAssociationRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self) -> dict[int, list[str]]:
        sql = (
            "SELECT e.experiment_id, ue.user_id FROM experiments e"
            " LEFT JOIN user_experiments ue ON ue.experiment_id = e.experiment_id"
            " ORDER BY e.experiment_id, ue.user_id"
        )
        result: dict[int, list[str]] = {}
        for experiment_id, user_id in self._db.run(lambda c: c.fetch_all(sql)):
            users = result.setdefault(int(experiment_id), [])
            if user_id is not None:
                users.append(str(user_id))
        return result

    def grant(self, user_id: str, experiment_id: int) -> bool:
        sql = "INSERT IGNORE INTO user_experiments (user_id, experiment_id) VALUES (%s, %s)"
        return self._db.run(lambda c: c.execute(sql, (user_id, experiment_id))) > 0

    def revoke(self, user_id: str, experiment_id: int) -> bool:
        sql = "DELETE FROM user_experiments WHERE user_id = %s AND experiment_id = %s"
        return self._db.run(lambda c: c.execute(sql, (user_id, experiment_id))) > 0
