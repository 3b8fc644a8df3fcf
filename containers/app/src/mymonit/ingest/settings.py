"""Settings of the consumer, read from the environment (names are the variables' names)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    """How the consumer batches, what it accepts, and where it reports.

    INGEST_PREFETCH (messages delivered and not yet acked) defaults to four times the batch size
    (0 means "default"): one batch being written, the next one filling, and the deliveries that
    travel while the ack of the first is on its way, so the broker never waits for the database
    under a steady stream. Memory is bounded by INGEST_PREFETCH x INGEST_MAX_BODY_BYTES.
    """

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    INGEST_BATCH_SIZE: int = Field(default=1_000, ge=1, le=50_000)
    INGEST_BATCH_MS: float = Field(default=50.0, gt=0, le=60_000)
    INGEST_PREFETCH: int = Field(default=0, ge=0, le=65_535)
    INGEST_MAX_BODY_BYTES: int = Field(default=1024 * 1024, ge=256)
    INGEST_MAX_MEASURES: int = Field(default=10_000, ge=1)
    INGEST_MAX_FUTURE_SECONDS: float = Field(default=86_400.0, ge=0)
    INGEST_NAMES_RELOAD_SECONDS: float = Field(default=1.0, ge=0)
    MAX_SERIES_PER_EXPERIMENT: int = Field(default=10_000, ge=1, le=10_000_000)
    INGEST_RETRY_MAX_SECONDS: float = Field(default=5.0, gt=0, le=300)
    CONSUMER_METRICS_PORT: int = Field(default=9464, ge=0, le=65_535)
    CONSUMER_METRICS_HOST: str = "127.0.0.1"
    CONSUMER_LIVENESS_FILE: str | None = None
    CONSUMER_QUEUE_DEPTH_SECONDS: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def _default_prefetch(self) -> IngestSettings:
        if self.INGEST_PREFETCH == 0:
            object.__setattr__(self, "INGEST_PREFETCH", min(65_535, 4 * self.INGEST_BATCH_SIZE))
        return self

    @property
    def batch_seconds(self) -> float:
        return self.INGEST_BATCH_MS / 1000.0
