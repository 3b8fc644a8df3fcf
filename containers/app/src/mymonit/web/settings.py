"""Settings of the web page only; the service's own are in `mymonit.config`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# What may appear in a CSP source expression: scheme://host[:port], nothing that could end the
# directive (';', ',', blanks) or add another source.
ORIGIN_PATTERN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$"
HOST_PATTERN = r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$"


class WebSettings(BaseSettings):
    """The Firebase web configuration handed to the browser; field names are the environment names.

    FIREBASE_API_KEY is not a secret (Firebase web API keys identify the project; the rules and
    the service's token checks protect the data), but it has no production default: without it the
    page says that sign-in is not configured, and the API keeps working.
    """

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    FIREBASE_API_KEY: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,128}$")
    FIREBASE_AUTH_DOMAIN: str | None = Field(default=None, pattern=HOST_PATTERN)
    # Where the browser reaches the Auth Emulator in development, when it differs from
    # http://FIREBASE_AUTH_EMULATOR_HOST (e.g. a compose service name the browser cannot resolve).
    WEB_AUTH_EMULATOR_URL: str | None = Field(default=None, pattern=ORIGIN_PATTERN)
