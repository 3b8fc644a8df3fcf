"""What the browser is told and allowed: /config.json's content and the Content-Security-Policy."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mymonit.config import Settings
from mymonit.web import BrowserConfig, WebSettings, browser_config, content_security_policy
from mymonit.web.browser_config import UnsafeEmulatorOrigin


def settings_for(**values: str) -> Settings:
    return Settings(DB_PASSWORD="db-secret", RABBIT_PASSWORD="rabbit-secret", **values)  # type: ignore[arg-type]


def web(**values: str) -> WebSettings:
    return WebSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_web_environment(clean_environment: pytest.MonkeyPatch) -> None:
    for name in WebSettings.model_fields:
        clean_environment.delenv(name, raising=False)


def test_development_uses_the_emulator_and_its_fake_api_key() -> None:
    config = browser_config(settings_for(MYMONIT_ENV="development", FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099"),
                            web())
    assert config == BrowserConfig("fake-api-key", "demo-mymonit.firebaseapp.com", "demo-mymonit",
                                   "http://127.0.0.1:9099")


def test_the_browser_may_reach_the_emulator_at_another_address() -> None:
    config = browser_config(settings_for(MYMONIT_ENV="development", FIREBASE_AUTH_EMULATOR_HOST="auth:9099"),
                            web(WEB_AUTH_EMULATOR_URL="http://localhost:9099"))
    assert config.emulator_url == "http://localhost:9099"


def test_production_without_an_api_key_has_no_sign_in() -> None:
    config = browser_config(settings_for(), web())
    assert config.api_key is None
    assert config.emulator_url is None


def test_production_uses_the_configured_firebase_project() -> None:
    config = browser_config(settings_for(FIREBASE_PROJECT_ID="cern-monit"),
                            web(FIREBASE_API_KEY="AIzaSyExample_key-1", FIREBASE_AUTH_DOMAIN="login.example.org"))
    assert config.as_json() == {"apiKey": "AIzaSyExample_key-1", "authDomain": "login.example.org",
                                "projectId": "cern-monit", "authEmulatorUrl": None}


def test_the_emulator_override_is_ignored_outside_development() -> None:
    config = browser_config(settings_for(), web(FIREBASE_API_KEY="k", WEB_AUTH_EMULATOR_URL="http://localhost:9099"))
    assert config.emulator_url is None


@pytest.mark.parametrize("host", ["127.0.0.1:9099; script-src *", "evil.example 'unsafe-inline'", "a b"])
def test_an_emulator_host_that_would_bend_the_policy_is_refused(host: str) -> None:
    with pytest.raises(UnsafeEmulatorOrigin):
        browser_config(settings_for(MYMONIT_ENV="development", FIREBASE_AUTH_EMULATOR_HOST=host), web())


@pytest.mark.parametrize(("name", "value"), [
    ("WEB_AUTH_EMULATOR_URL", "http://localhost:9099; script-src *"),
    ("WEB_AUTH_EMULATOR_URL", "javascript:alert(1)"),
    ("FIREBASE_AUTH_DOMAIN", "a.example; img-src *"),
    ("FIREBASE_API_KEY", "key with spaces"),
])
def test_web_settings_refuse_values_that_could_escape_their_place(name: str, value: str) -> None:
    with pytest.raises(ValidationError):
        web(**{name: value})


def test_production_policy_connects_only_to_itself_and_firebase_auth() -> None:
    policy = content_security_policy(BrowserConfig("k", "p.firebaseapp.com", "p", None))
    assert ("connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com"
            in policy.split("; "))


def test_development_policy_connects_to_the_emulator_instead_of_google() -> None:
    policy = content_security_policy(BrowserConfig("k", "p", "p", "http://127.0.0.1:9099"))
    assert "connect-src 'self' http://127.0.0.1:9099" in policy.split("; ")
    assert "googleapis" not in policy


def test_the_policy_allows_no_inline_code_no_eval_and_no_framing() -> None:
    policy = content_security_policy(BrowserConfig("k", "p", "p", None))
    assert "unsafe" not in policy
    for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                      "base-uri 'none'", "require-trusted-types-for 'script'"):
        assert directive in policy.split("; ")
