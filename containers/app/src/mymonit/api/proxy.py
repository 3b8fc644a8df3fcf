"""Trusting X-Forwarded-* only from the reverse proxy (nginx), never from any client."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

from mymonit.config import Network


class TrustedProxy:
    """WSGI middleware: applies X-Forwarded-For/-Proto (one hop) when the peer is a trusted proxy.

    A request that reaches the app directly keeps its own address and scheme, so a client cannot
    forge its audited address by sending the headers itself.
    """

    def __init__(self, app: Any, trusted: Iterable[Network]) -> None:
        self._app = app
        self._fixed = ProxyFix(app, x_for=1, x_proto=1)
        self._trusted = tuple(trusted)
        # The same few peers (the proxy itself) connect again and again: judge each once.
        self._is_trusted = functools.lru_cache(maxsize=256)(self._judge)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        target = self._fixed if self._is_trusted(environ.get("REMOTE_ADDR")) else self._app
        result: Iterable[bytes] = target(environ, start_response)
        return result

    def _judge(self, peer: str | None) -> bool:
        if not peer:
            return False
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self._trusted)
