"""Scratch databases on the real MariaDB, for the tests and the benchmarks: made empty, dropped."""

from __future__ import annotations

import mysql.connector

from mymonit.config import Settings


def recreate_database(settings: Settings, name: str) -> None:
    """Drop database `name` if it exists and create it empty, in the project's character set."""
    drop_database(settings, name)
    _on_server(settings, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def drop_database(settings: Settings, name: str) -> None:
    _on_server(settings, f"DROP DATABASE IF EXISTS `{name}`")


def _on_server(settings: Settings, statement: str) -> None:
    connection = mysql.connector.connect(host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
                                         password=settings.DB_PASSWORD.get_secret_value())
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()
