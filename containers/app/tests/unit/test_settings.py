"""Settings from the environment: secrets required, the emulator refused outside development, broker URLs."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from mymonit.config import Environment, InsecureConfiguration, Settings
from mymonit.ingest.broker import adapter_parameters, connection_parameters


@pytest.fixture
def env(clean_environment: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with only the two required secrets."""
    clean_environment.setenv("DB_PASSWORD", "db-secret")
    clean_environment.setenv("RABBIT_PASSWORD", "rabbit-secret")
    return clean_environment


def test_defaults_apply_when_only_the_secrets_are_set(env: pytest.MonkeyPatch) -> None:  # noqa: ARG001
    settings = Settings()

    assert settings.MYMONIT_ENV is Environment.PRODUCTION
    assert settings.DB_DATABASE == "my_monit"
    assert settings.DB_PASSWORD.get_secret_value() == "db-secret"
    assert settings.REST_QUERY_SECONDS == 30.0
    assert settings.REST_NICE == 10  # the API below the consumer (docs/configuration.md, Priority)


@pytest.mark.parametrize("secret", ["DB_PASSWORD", "RABBIT_PASSWORD"])
def test_a_missing_secret_is_a_startup_error_that_names_it(env: pytest.MonkeyPatch, secret: str) -> None:
    env.delenv(secret)

    with pytest.raises(ValidationError, match=secret):
        Settings()


def test_secrets_never_appear_in_the_settings_repr(env: pytest.MonkeyPatch) -> None:  # noqa: ARG001
    text = repr(Settings())

    assert "db-secret" not in text
    assert "rabbit-secret" not in text


def test_environment_values_are_coerced_and_checked(env: pytest.MonkeyPatch) -> None:
    env.setenv("DB_PORT", "3307")
    assert Settings().DB_PORT == 3307

    env.setenv("DB_PORT", "99999")
    with pytest.raises(ValidationError, match="DB_PORT"):
        Settings()


@pytest.mark.parametrize("environment", [None, "production"])
def test_the_auth_emulator_is_refused_outside_development(env: pytest.MonkeyPatch, environment: str | None) -> None:
    env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    if environment is not None:
        env.setenv("MYMONIT_ENV", environment)

    with pytest.raises(InsecureConfiguration) as raised:
        Settings()

    message = str(raised.value)
    assert "FIREBASE_AUTH_EMULATOR_HOST" in message
    assert "MYMONIT_ENV" in message
    assert "unsigned tokens" in message


def test_the_auth_emulator_is_allowed_in_development(env: pytest.MonkeyPatch) -> None:
    env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    env.setenv("MYMONIT_ENV", "development")

    assert Settings().FIREBASE_AUTH_EMULATOR_HOST == "127.0.0.1:9099"


def test_an_unknown_environment_name_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("MYMONIT_ENV", "staging")

    with pytest.raises(ValidationError, match="MYMONIT_ENV"):
        Settings()


@pytest.mark.parametrize(
    ("rabbit_url", "vhost", "expected"),
    [
        pytest.param("localhost", None, "amqp://mymonit:rabbit-secret@localhost:5672/%2F", id="a bare host"),
        pytest.param("rabbit:5673", None, "amqp://mymonit:rabbit-secret@rabbit:5673/%2F", id="a host and port"),
        pytest.param("rabbit", "mymonit_test", "amqp://mymonit:rabbit-secret@rabbit:5672/mymonit_test",
                     id="a bare host and RABBIT_VHOST"),
        pytest.param("amqp://broker.example", None, "amqp://mymonit:rabbit-secret@broker.example:5672/%2F",
                     id="amqp"),
        pytest.param("amqps://broker.example", None, "amqps://mymonit:rabbit-secret@broker.example:5671/%2F",
                     id="amqps defaults to 5671"),
        pytest.param("amqps://broker.example:6000/prod", "ignored",
                     "amqps://mymonit:rabbit-secret@broker.example:6000/prod", id="the URL's vhost wins"),
        pytest.param("amqp://rabbit/", "team a/b", "amqp://mymonit:rabbit-secret@rabbit:5672/team%20a%2Fb",
                     id="a vhost is quoted"),
        pytest.param("amqp://rabbit/v?heartbeat=10", None, "amqp://mymonit:rabbit-secret@rabbit:5672/v?heartbeat=10",
                     id="query options are kept"),
        pytest.param("amqp://someone:else@rabbit/v", None, "amqp://mymonit:rabbit-secret@rabbit:5672/v",
                     id="credentials come from RABBIT_USER and RABBIT_PASSWORD"),
        pytest.param("amqp://rabbit/%2F", "ignored", "amqp://mymonit:rabbit-secret@rabbit:5672/%2F",
                     id="the default vhost written as the AMQP URI spec says"),
        pytest.param("amqp://rabbit/my%20vhost", None, "amqp://mymonit:rabbit-secret@rabbit:5672/my%20vhost",
                     id="a percent-encoded vhost is not encoded twice"),
        pytest.param("amqp://[::1]:5673/v", None, "amqp://mymonit:rabbit-secret@[::1]:5673/v", id="an IPv6 literal"),
        pytest.param("amqps://[2001:db8::1]", None, "amqps://mymonit:rabbit-secret@[2001:db8::1]:5671/%2F",
                     id="an IPv6 literal without a port"),
    ],
)
def test_the_broker_url_is_built_from_rabbit_url(env: pytest.MonkeyPatch, rabbit_url: str, vhost: str | None,
                                                 expected: str) -> None:
    env.setenv("RABBIT_URL", rabbit_url)
    if vhost is not None:
        env.setenv("RABBIT_VHOST", vhost)

    assert Settings().amqp_url() == expected


def test_credentials_are_quoted_in_the_broker_url(env: pytest.MonkeyPatch) -> None:
    env.setenv("RABBIT_USER", "ad@min")
    env.setenv("RABBIT_PASSWORD", "p@ss:w/rd%#?")

    assert Settings().amqp_url() == "amqp://ad%40min:p%40ss%3Aw%2Frd%25%23%3F@localhost:5672/%2F"


def test_the_adapter_account_replaces_the_service_account(env: pytest.MonkeyPatch) -> None:  # noqa: ARG001
    url = Settings().amqp_url("adapter", SecretStr("adapter-secret"))

    assert url == "amqp://adapter:adapter-secret@localhost:5672/%2F"


def test_adapters_publish_to_adapter_url_and_the_service_keeps_rabbit_url(env: pytest.MonkeyPatch) -> None:
    env.setenv("RABBIT_URL", "amqp://127.0.0.1:5672")
    env.setenv("ADAPTER_URL", "amqps://localhost:5671")
    env.setenv("ADAPTER_PASSWORD", "adapter-secret")
    settings = Settings()

    adapter = adapter_parameters(settings)
    service = connection_parameters(settings)

    assert (adapter.host, adapter.port, adapter.credentials.username) == ("localhost", 5671, "adapter")
    assert adapter.ssl_options is not None  # amqps: the broker is verified against RABBIT_CA_FILE
    assert (service.host, service.port, service.credentials.username, service.ssl_options) == (
        "127.0.0.1", 5672, settings.RABBIT_USER, None)


def test_without_adapter_url_adapters_publish_to_rabbit_url(env: pytest.MonkeyPatch) -> None:
    env.setenv("RABBIT_URL", "amqps://broker.example.org:5671")
    env.setenv("ADAPTER_PASSWORD", "adapter-secret")

    assert adapter_parameters(Settings()).host == "broker.example.org"
