"""Settings of the benchmark: the git-ignored .env of run-infra.sh, pointed at the bench database."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import mysql.connector

from mymonit.config import Settings
from mymonit.domain.errors import Unavailable
from mymonit.storage.connection_errors import is_connection_error
from mymonit.storage.session import Connection

ROOT = Path(__file__).resolve().parents[3]
BENCH_DATABASE = "my_monit_bench"

# The one reader of the git-ignored .env and the scratch-database helpers, shared with the tests.
sys.path.insert(0, str(ROOT / "containers" / "app" / "tests" / "support"))
from databases import ensure_database, recreate_database  # noqa: E402
from environment import read_env_file  # noqa: E402
from webhook_receiver import Receiver, webhook_receiver  # noqa: E402

# The bench never touches the demo or test databases, nor the demo's audit spool: no spool unless a
# benchmark asks for one (with a directory of its own, as bench/audit.py does).
NO_AUDIT_SPOOL = {"LOGSTASH_HOST": "", "AUDIT_FILE": "", "AUDIT_SPOOL_DIR": ""}
OVERRIDES = {"DB_DATABASE": BENCH_DATABASE, **NO_AUDIT_SPOOL}

T = TypeVar("T")
__all__ = [  # the helpers of tests/support, re-exported for the benches
    "BENCH_DATABASE", "NO_AUDIT_SPOOL", "OVERRIDES", "ROOT", "Receiver", "connect", "ensure_database",
    "load_bench_settings",
    "one_row", "read_env_file", "recreate_database", "wait_for_database", "webhook_receiver", "with_reconnects",
]


def load_bench_settings() -> Settings:
    """Export .env into this process (the process env wins), force the bench overrides, read Settings.

    The environment is exported, not only passed to Settings, because firebase-admin reads
    FIREBASE_AUTH_EMULATOR_HOST from it and the `mymonit serve` subprocess inherits it.
    """
    for key, value in read_env_file().items():
        os.environ.setdefault(key, value)
    os.environ.update(OVERRIDES)
    return Settings()


def connect(settings: Settings, *, database: str | None = BENCH_DATABASE, **extra: Any) -> Connection:
    """A plain C-extension connection with the pool's session settings (UTC, utf8mb4)."""
    return cast("Connection", mysql.connector.connect(
        host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
        password=settings.DB_PASSWORD.get_secret_value(), database=database, use_pure=False,
        charset="utf8mb4", collation="utf8mb4_unicode_ci", time_zone="+00:00", **extra,
    ))


def one_row(connection: Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """The first row of a query (typed Any: the driver's row type is a union of every SQL type)."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchone()
    finally:
        cursor.close()


def wait_for_database(settings: Settings, timeout: float = 180.0) -> None:
    """Block until MariaDB accepts connections (another engineer's test may be restarting it)."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            connect(settings, database=None, connection_timeout=3).close()
        except mysql.connector.Error:
            if time.monotonic() > deadline:
                raise
            if not announced:
                print("  (MariaDB is not answering; waiting for it to come back)", flush=True)
                announced = True
            time.sleep(2)
        else:
            return


def with_reconnects(settings: Settings, work: Callable[[], T], attempts: int = 5) -> T:
    """Run `work`, waiting for the server and retrying when the connection is lost."""
    for attempt in range(attempts):
        try:
            return work()
        except (mysql.connector.Error, OSError, Unavailable) as error:
            lost = isinstance(error, Unavailable) or is_connection_error(error)
            if not lost or attempt + 1 == attempts:
                raise
            print(f"  (database connection lost: {error}; retrying)", flush=True)
            wait_for_database(settings)
    raise AssertionError("unreachable")
