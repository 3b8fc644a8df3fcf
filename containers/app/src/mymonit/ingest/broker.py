"""Connection parameters for RabbitMQ and a cached readiness probe."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable

import pika
import pika.exceptions
from pydantic import SecretStr

from mymonit.config import Settings

log = logging.getLogger(__name__)


def connection_parameters(settings: Settings, user: str | None = None, password: SecretStr | None = None,
                          *, timeout: float = 10.0) -> pika.URLParameters:
    """Parameters for RABBIT_URL with the given (default: the service's) account; amqps verifies the CA."""
    return _parameters(settings.amqp_url(user, password), settings, timeout)


def adapter_parameters(settings: Settings, *, timeout: float = 10.0) -> pika.URLParameters:
    """Parameters for ADAPTER_URL (else RABBIT_URL) with the adapters' publish-only account."""
    if settings.ADAPTER_PASSWORD is None:
        raise ValueError("ADAPTER_PASSWORD is not set: adapters publish with the publish-only account")
    url = settings.amqp_url(settings.ADAPTER_USER, settings.ADAPTER_PASSWORD, url=settings.ADAPTER_URL)
    return _parameters(url, settings, timeout)


def _parameters(url: str, settings: Settings, timeout: float) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.socket_timeout = timeout
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.heartbeat = 30
    if url.startswith("amqps://"):
        context = ssl.create_default_context(cafile=settings.RABBIT_CA_FILE)
        params.ssl_options = pika.SSLOptions(context, params.host)
    return params


class BrokerProbe:
    """Answers whether the broker accepts a login; remembers the answer for `ttl` seconds."""

    def __init__(self, settings: Settings, ttl: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = -ttl - 1.0
        self._ready = False

    def __call__(self) -> bool:
        with self._lock:
            if self._clock() - self._checked_at >= self._ttl:
                self._ready = self._check()
                self._checked_at = self._clock()
            return self._ready

    def _check(self) -> bool:
        try:
            connection = pika.BlockingConnection(connection_parameters(self._settings, timeout=2.0))
        except (pika.exceptions.AMQPError, OSError) as error:
            log.warning("broker not ready: %s", type(error).__name__)
            return False
        connection.close()
        return True
