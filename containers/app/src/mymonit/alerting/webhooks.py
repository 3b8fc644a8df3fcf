"""One webhook POST: signed, bounded in time, and never led to another host by a redirect.

The signature lets a receiver check that a notification comes from this service and was not
replayed long after: `X-MyMONIT-Signature: sha256=<hex>` is HMAC-SHA256, keyed with
ALERT_WEBHOOK_SECRET, of `<X-MyMONIT-Timestamp>.<body>` (docs/api.md, Alert notifications).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import requests

from mymonit.alerting.ports import Notification

MAX_REDIRECTS = 3
_KEPT_METHOD = frozenset({307, 308})  # the redirects that repeat the POST with its body


class WebhookFailed(Exception):
    """The receiver did not take the notification; the message says why (no URL: it may hold a token)."""


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class WebhookPoster:
    def __init__(self, secret: bytes, timeout: float, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._timeout = timeout
        self._clock = clock
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy or .netrc from the environment: the rule's URL only

    def post(self, notification: Notification) -> None:
        """Raises `WebhookFailed` unless the receiver answers 2xx."""
        timestamp = str(int(self._clock()))
        headers = {"Content-Type": "application/json", "User-Agent": "MyMONIT-alerts",
                   "Idempotency-Key": notification.key, "X-MyMONIT-Timestamp": timestamp,
                   "X-MyMONIT-Signature": signature(self._secret, timestamp, notification.body)}
        url = notification.url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                answer = self._session.post(url, data=notification.body, headers=headers, timeout=self._timeout,
                                            allow_redirects=False)
            except requests.RequestException as error:
                raise WebhookFailed(f"{type(error).__name__} reaching {_origin(url)[1]}") from error
            except ValueError as error:  # requests parses a redirect's Location even when it does not follow it
                raise WebhookFailed(f"{_origin(url)[1]} answered with an address no URL parser takes") from error
            if 200 <= answer.status_code < 300:
                return
            if answer.status_code not in _KEPT_METHOD or "Location" not in answer.headers:
                raise WebhookFailed(f"{_origin(url)[1]} answered {answer.status_code}")
            target = urljoin(url, answer.headers["Location"])
            if _origin(target) != _origin(url):
                raise WebhookFailed(f"{_origin(url)[1]} redirected to another host; not followed")
            url = target
        raise WebhookFailed(f"more than {MAX_REDIRECTS} redirects")
