"""Typed settings read from the environment, with the original project's variable names.

Secrets have no defaults: a missing DB_PASSWORD or RABBIT_PASSWORD is a start-up error, not a
silent fallback to a well-known password.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8' -> networks; raises ValueError naming a bad entry."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


class Environment(StrEnum):
    PRODUCTION = "production"
    DEVELOPMENT = "development"


class InsecureConfiguration(RuntimeError):
    """The settings would make the service accept forged credentials."""


class Settings(BaseSettings):
    """Every setting of the service; field names are the environment variable names."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    MYMONIT_ENV: Environment = Environment.PRODUCTION

    DB_HOST: str = "localhost"
    DB_PORT: int = Field(default=3306, ge=1, le=65535)
    DB_USER: str = "mymonit"
    DB_PASSWORD: SecretStr
    DB_DATABASE: str = "my_monit"
    DB_POOL_SIZE: int = Field(default=8, ge=1, le=32)

    RABBIT_URL: str = "localhost"
    RABBIT_USER: str = "mymonit"
    RABBIT_PASSWORD: SecretStr
    RABBIT_VHOST: str = "/"
    RABBIT_EXCHANGE: str = "mymonit"
    RABBIT_ROUTING: str = "measures"
    RABBIT_QUEUE: str = "measures"
    RABBIT_CA_FILE: str | None = None
    ADAPTER_USER: str = "adapter"
    ADAPTER_PASSWORD: SecretStr | None = None
    ADAPTER_URL: str | None = None  # where adapters publish (amqps:// from outside); unset: RABBIT_URL

    REST_HOST: str = "127.0.0.1"
    REST_PORT: int = Field(default=8000, ge=1, le=65535)
    REST_WORKERS: int = Field(default=2, ge=1, le=64)
    REST_THREADS: int = Field(default=4, ge=1, le=64)
    # The API's CPU priority below the consumer's (Unix niceness added to `mymonit serve`'s): when
    # reads and ingest both want every core, ingest keeps its pace (docs/configuration.md, Priority).
    REST_NICE: int = Field(default=10, ge=0, le=19)
    REST_MAX_BODY_BYTES: int = Field(default=64 * 1024, ge=1024)
    # MariaDB stops one statement of an API request after this long (max_statement_time); 0: never.
    REST_QUERY_SECONDS: float = Field(default=30.0, ge=0, le=3600)
    REST_TRUSTED_PROXIES: str = "127.0.0.1/32,::1/128"

    # The audit trail: every process spools its records in a file of its own under AUDIT_SPOOL_DIR
    # (default: a directory in the temporary directory); `mymonit ship-audit` sends them to
    # Logstash's http input at LOGSTASH_HOST:LOGSTASH_PORT, and/or appends them to AUDIT_FILE.
    LOGSTASH_HOST: str | None = None
    LOGSTASH_PORT: int = Field(default=5959, ge=1, le=65535)
    LOGSTASH_USER: str = "mymonit"
    ALERT_WEBHOOK_SECRET: SecretStr | None = None  # signs alert notifications (mymonit.alerting.webhooks)
    LOGSTASH_PASSWORD: SecretStr | None = None  # HTTP basic auth of the pipeline's http input
    AUDIT_FILE: str | None = None
    AUDIT_SPOOL_DIR: str | None = None
    # "process": a written event survives a crash of the process; "power": also a power loss (fdatasync).
    AUDIT_SPOOL_SYNC: Literal["process", "power"] = "process"
    AUDIT_SHIP_BATCH: int = Field(default=500, ge=1, le=10_000)  # records per batch the shipper sends

    FIREBASE_PROJECT_ID: str = "demo-mymonit"
    GOOGLE_APPLICATION_CREDENTIALS: str | None = None
    AUTH_REVOCATION_TTL: float = Field(default=5.0, ge=0, le=300)
    AUTH_CALLER_TTL: float = Field(default=30.0, ge=0, le=300)  # the most a caller is remembered (docs/design.md)
    AUTH_TOKEN_CACHE_SIZE: int = Field(default=10_000, ge=0, le=1_000_000)
    FIREBASE_AUTH_EMULATOR_HOST: str | None = None

    @field_validator("REST_TRUSTED_PROXIES")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)  # raises ValueError naming the bad entry
        return value

    @model_validator(mode="after")
    def _emulator_only_in_development(self) -> Settings:
        if self.FIREBASE_AUTH_EMULATOR_HOST and self.MYMONIT_ENV is not Environment.DEVELOPMENT:
            raise InsecureConfiguration(
                "FIREBASE_AUTH_EMULATOR_HOST is set but MYMONIT_ENV is not 'development': "
                "in emulator mode unsigned tokens are accepted, so the service refuses to start. "
                "Unset FIREBASE_AUTH_EMULATOR_HOST in production, or set MYMONIT_ENV=development."
            )
        return self

    @property
    def audit_shipped(self) -> bool:
        """Is there somewhere to ship the audit trail to (and so a reason to spool it)?"""
        return bool(self.LOGSTASH_HOST or self.AUDIT_FILE)

    def amqp_url(self, user: str | None = None, password: SecretStr | None = None, *, url: str | None = None) -> str:
        """The broker URL (`url`, else RABBIT_URL) with credentials; it may be a bare host, as in the original."""
        user = user or self.RABBIT_USER
        secret = (password or self.RABBIT_PASSWORD).get_secret_value()
        given = url or self.RABBIT_URL
        raw = given if "://" in given else f"amqp://{given}"
        parts = urlsplit(raw)
        host = parts.hostname or "localhost"
        host = f"[{host}]" if ":" in host else host
        port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
        vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else self.RABBIT_VHOST
        credentials = f"{quote(user, safe='')}:{quote(secret, safe='')}"
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.scheme}://{credentials}@{host}:{port}/{quote(vhost, safe='')}{query}"


def load_settings() -> Settings:
    """Read the settings from the process environment (raises on missing secrets)."""
    return Settings()
