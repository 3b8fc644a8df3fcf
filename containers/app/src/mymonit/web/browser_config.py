"""What the browser is told (`/config.json`) and what it is allowed to do (the CSP)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mymonit.config import Environment, Settings
from mymonit.web.settings import ORIGIN_PATTERN, WebSettings

DEVELOPMENT_API_KEY = "fake-api-key"  # what the Auth Emulator accepts
# The Firebase Auth endpoints the JS SDK calls in production (sign-in and token refresh).
FIREBASE_ORIGINS = ("https://identitytoolkit.googleapis.com", "https://securetoken.googleapis.com")


class UnsafeEmulatorOrigin(ValueError):
    """FIREBASE_AUTH_EMULATOR_HOST cannot be put into the page's Content-Security-Policy."""


@dataclass(frozen=True)
class BrowserConfig:
    """The Firebase web configuration; `api_key` is None when sign-in is not configured."""

    api_key: str | None
    auth_domain: str
    project_id: str
    emulator_url: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "apiKey": self.api_key,
            "authDomain": self.auth_domain,
            "projectId": self.project_id,
            "authEmulatorUrl": self.emulator_url,
        }


def browser_config(settings: Settings, web: WebSettings) -> BrowserConfig:
    """The emulator is only ever named in development: `Settings` refuses it anywhere else."""
    development = settings.MYMONIT_ENV is Environment.DEVELOPMENT
    emulator = None
    if development and settings.FIREBASE_AUTH_EMULATOR_HOST:
        emulator = web.WEB_AUTH_EMULATOR_URL or f"http://{settings.FIREBASE_AUTH_EMULATOR_HOST}"
        if not re.match(ORIGIN_PATTERN, emulator):
            raise UnsafeEmulatorOrigin(f"the Auth Emulator address {emulator!r} is not scheme://host[:port]")
    return BrowserConfig(
        api_key=web.FIREBASE_API_KEY or (DEVELOPMENT_API_KEY if development else None),
        auth_domain=web.FIREBASE_AUTH_DOMAIN or f"{settings.FIREBASE_PROJECT_ID}.firebaseapp.com",
        project_id=settings.FIREBASE_PROJECT_ID,
        emulator_url=emulator,
    )


def content_security_policy(config: BrowserConfig) -> str:
    """Same-origin everything; the page talks to the API and to Firebase Auth, nothing else.

    No 'unsafe-inline' anywhere: the page has no inline script or style attribute (uPlot and the
    Firebase SDK style elements through the CSSOM, which CSP allows). Trusted Types are required,
    so even a library could not turn a string into markup or script.
    """
    auth_origins = (config.emulator_url,) if config.emulator_url else FIREBASE_ORIGINS
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "font-src": "'self'",
        "connect-src": " ".join(("'self'", *auth_origins)),
        "object-src": "'none'",
        "frame-src": "'none'",
        "worker-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "require-trusted-types-for": "'script'",
        "trusted-types": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())
