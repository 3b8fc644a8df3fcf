"""Settings of the rollup worker, read from the environment (names are the variables' names)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RollupSettings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    ROLLUP_INTERVAL: float = Field(default=1.0, ge=0.05, le=3_600)  # seconds between turns once caught up
    # A minute is rolled up once it ended this many seconds ago: measures of the current minute keep
    # arriving, and are read raw until then.
    ROLLUP_GRACE: float = Field(default=5.0, ge=0, le=3_600)
