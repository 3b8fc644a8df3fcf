"""Users in MySQL; personal columns go in and out wrapped in `Personal`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import mysql.connector

from mymonit.domain.errors import DuplicateUser
from mymonit.domain.model import Caller, Experiment, Role, User
from mymonit.domain.personal import Personal
from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import duplicate_key, from_db, to_db

_SELECT = "SELECT user_id, name, username, email, role, erased_at FROM users"
_CALLER = (
    "SELECT u.user_id, u.name, u.username, u.email, u.role, u.erased_at, e.experiment_id, e.name"
    " FROM users u"
    " LEFT JOIN user_experiments ue ON ue.user_id = u.user_id"
    " LEFT JOIN experiments e ON e.experiment_id = ue.experiment_id"
    " WHERE u.username = %s AND u.erased_at IS NULL"
)  # ordered here, not by MariaDB: its ORDER BY over the outer join made a temporary table per request
_KEY_FIELDS = {"PRIMARY": "user_id", "uq_users_username": "username", "uq_users_email": "email"}


def _user(row: tuple[Any, ...]) -> User:
    return User(
        user_id=row[0], name=Personal(row[1]), username=Personal(row[2]), email=Personal(row[3]),
        role=Role(row[4]), erased_at=from_db(row[5]) if row[5] is not None else None,
    )


def _raise_duplicate(error: mysql.connector.Error) -> None:
    key = duplicate_key(error)
    if key is not None:
        raise DuplicateUser(_KEY_FIELDS.get(key, key)) from error


class MySqlUserRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def by_id(self, user_id: str) -> User | None:
        rows = self._db.run(lambda c: c.fetch_all(_SELECT + " WHERE user_id = %s", (user_id,)))
        return _user(rows[0]) if rows else None

    def caller(self, username: str) -> Caller | None:
        # One row per association (one with NULLs for none); erased users have no uid left.
        rows = self._db.run(lambda c: c.fetch_all(_CALLER, (username,)))
        if not rows:
            return None
        user = _user(rows[0])
        granted = sorted((int(row[6]), str(row[7])) for row in rows if row[6] is not None)
        experiments = tuple(Experiment(experiment_id, name) for experiment_id, name in granted)
        return Caller.of(user, experiments)

    def all(self) -> list[User]:
        rows = self._db.run(lambda c: c.fetch_all(_SELECT + " ORDER BY user_id"))
        return [_user(row) for row in rows]

    def add(self, user: User) -> None:
        sql = "INSERT INTO users (user_id, name, username, email, role) VALUES (%s, %s, %s, %s, %s)"
        params = (user.user_id, user.name.reveal(), user.username.reveal(), user.email.reveal(), user.role.value)
        self._write(sql, params)

    def update(self, user_id: str, *, name: str, email: str, username: str, role: Role) -> None:
        sql = "UPDATE users SET name = %s, email = %s, username = %s, role = %s WHERE user_id = %s"
        self._write(sql, (name, email, username, role.value, user_id))

    def erase(self, user_id: str, at: datetime) -> None:
        def work(connection: Connection) -> None:
            with connection.transaction() as cursor:
                cursor.execute("DELETE FROM user_experiments WHERE user_id = %s", (user_id,))
                cursor.execute(
                    "UPDATE users SET name = NULL, email = NULL, username = NULL, erased_at = %s"
                    " WHERE user_id = %s",
                    (to_db(at), user_id),
                )

        self._db.run(work)

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        try:
            self._db.run(lambda c: c.execute(sql, params))
        except mysql.connector.IntegrityError as error:
            _raise_duplicate(error)
            raise
