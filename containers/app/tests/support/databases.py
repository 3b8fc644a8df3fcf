"""Scratch databases on the real MariaDB, for the tests and the benchmarks: made empty, dropped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import mysql.connector

from mymonit.audit import AuditTrail
from mymonit.config import Settings
from mymonit.container import Container


def recreate_database(settings: Settings, name: str) -> None:
    """Drop database `name` if it exists and create it empty, in the project's character set."""
    drop_database(settings, name)
    ensure_database(settings, name)


def ensure_database(settings: Settings, name: str) -> None:
    """Create database `name`, in the project's character set, unless it exists."""
    _on_server(settings, f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def drop_database(settings: Settings, name: str) -> None:
    _on_server(settings, f"DROP DATABASE IF EXISTS `{name}`")


def _on_server(settings: Settings, statement: str) -> None:
    connection = mysql.connector.connect(host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
                                         password=settings.DB_PASSWORD.get_secret_value())
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()


@contextmanager
def migrated_database(settings: Settings, *, drop: bool = True) -> Iterator[Container]:
    """A container on settings.DB_DATABASE, made empty and migrated; dropped afterwards if `drop`."""
    recreate_database(settings, settings.DB_DATABASE)
    container = Container(settings=settings, audit_trail=AuditTrail())
    container.migrator().upgrade()
    try:
        yield container
    finally:
        container.database().close()
        if drop:
            drop_database(settings, settings.DB_DATABASE)
