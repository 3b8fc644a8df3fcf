"""X-Forwarded-* is honoured only from the configured proxies."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from mymonit.api.proxy import TrustedProxy
from mymonit.config import parse_networks


def _echo(environ: dict[str, Any], start_response: Any) -> Any:
    body = f"{environ['REMOTE_ADDR']} {environ['wsgi.url_scheme']}"
    return Response(body)(environ, start_response)


@pytest.mark.parametrize(("peer", "seen"), [
    ("127.0.0.1", "203.0.113.9 https"),
    ("10.1.2.3", "203.0.113.9 https"),
    ("198.51.100.7", "198.51.100.7 http"),
    ("not-an-address", "not-an-address http"),
])
def test_forwarded_headers_count_only_when_the_peer_is_a_trusted_proxy(peer: str, seen: str) -> None:
    client = Client(TrustedProxy(_echo, parse_networks("127.0.0.1/32, 10.0.0.0/8")))

    response = client.get("/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": peer})

    assert response.get_data(as_text=True) == seen


def test_a_malformed_trusted_network_is_refused() -> None:
    with pytest.raises(ValueError, match="not-a-network"):
        parse_networks("127.0.0.1, not-a-network")
