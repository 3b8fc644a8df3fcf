"""Settings of the alert evaluator, read from the environment (names are the variables' names).
Its signing secret, ALERT_WEBHOOK_SECRET, is with the others in `mymonit.config.Settings`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertSettings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    ALERT_INTERVAL: float = Field(default=10.0, ge=0.1, le=3_600)  # seconds between evaluation cycles
    ALERT_EXTERNAL_URL: str = ""  # the service's public address, for the notifications' generatorURL
    ALERT_WEBHOOK_TIMEOUT: float = Field(default=5.0, gt=0, le=60)
    ALERT_WEBHOOK_RETRY_SECONDS: float = Field(default=2.0, gt=0, le=600)  # the first retry's delay, doubled after
    ALERT_WEBHOOK_RETRY_MAX_SECONDS: float = Field(default=600.0, gt=0, le=86_400)
    ALERT_WEBHOOK_MAX_ATTEMPTS: int = Field(default=20, ge=1, le=1_000)
    ALERT_OUTBOX_KEEP_DAYS: int = Field(default=7, ge=1, le=3_650)  # delivered notifications, then removed
