"""The test environment: the git-ignored .env that run-infra.sh generates, with test-only names."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
ENV_FILE = ROOT / ".env"

# Tests never touch the demo stack's database, vhost or accounts.
TEST_OVERRIDES = {
    "DB_DATABASE": "my_monit_test",
    "RABBIT_VHOST": "mymonit_test",
    "AUTH_REVOCATION_TTL": "0",
    "LOGSTASH_HOST": "",  # no audit spool unless a test asks for one (and gives its own directory)
    "AUDIT_FILE": "",
    "AUDIT_SPOOL_DIR": "",
}


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


def test_environment() -> dict[str, str]:
    """The .env values with the test overrides applied (process env wins for CI tweaks)."""
    values = read_env_file()
    values.update(TEST_OVERRIDES)
    for key in ("DB_HOST", "DB_PORT", "FIREBASE_AUTH_EMULATOR_HOST"):
        if key in os.environ:
            values[key] = os.environ[key]
    return values
