"""Who and which request the current code runs for, carried by `contextvars`.

Each thread and each asyncio task sees its own values, so a server thread serving one request
never reports another request's user. The values are bound at the request (or message) boundary
and read by `AuditTrail.emit`; nothing here is keyed by thread id.

The client address is personal data, so only a keyed hash of it is ever bound: the same client
gives the same hash within one process (and within every worker forked from a process that
imported this module), which is enough to correlate a burst of requests without storing the IP.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from contextvars import ContextVar, Token
from types import MappingProxyType, TracebackType
from typing import Final, Self

_CLIENT_HASH_CHARS: Final = 16
_PROCESS_SALT: Final = secrets.token_bytes(32)
_EMPTY: Final[MappingProxyType[str, object]] = MappingProxyType({})

_fields: ContextVar[MappingProxyType[str, object]] = ContextVar("mymonit_audit", default=_EMPTY)


def hash_client(addr: str, salt: bytes | None = None) -> str:
    """HMAC-SHA256 of the client address, truncated to 16 hex characters.

    Without `salt` the per-process random salt is used, so hashes cannot be reversed by
    enumerating the IPv4 space and do not correlate across deployments.
    """
    if salt is None:
        return _hash_with_process_salt(addr)
    digest = hmac.new(salt, addr.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:_CLIENT_HASH_CHARS]


@functools.lru_cache(maxsize=1024)  # behind a proxy the same few addresses come back on every request
def _hash_with_process_salt(addr: str) -> str:
    return hmac.new(_PROCESS_SALT, addr.encode("utf-8"), hashlib.sha256).hexdigest()[:_CLIENT_HASH_CHARS]


class Binding:
    """Fields bound to the current context from creation until `unbind()`.

    Usable as a context manager; `unbind()` restores exactly the values seen before the binding
    (including any `set_user` made meanwhile) and is safe to call twice.
    """

    __slots__ = ("_token",)

    def __init__(self, token: Token[MappingProxyType[str, object]]) -> None:
        self._token: Token[MappingProxyType[str, object]] | None = token

    def unbind(self) -> None:
        if self._token is not None:
            _fields.reset(self._token)
            self._token = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.unbind()


def bind(**fields: object) -> Binding:
    """Add `fields` to the current context now; they stay until the binding is unbound."""
    return Binding(_fields.set(MappingProxyType({**_fields.get(), **fields})))


def bind_request(request_id: str, client: str | None, user_id: str | None = None) -> Binding:
    """Bind a request (or message) id, the hash of the raw client address and the user.

    `client` is the remote address as received; only `hash_client(client)` is stored.
    """
    hashed = None if client is None else hash_client(client)
    return bind(request_id=request_id, client=hashed, user_id=user_id)


def set_user(user_id: str | None) -> None:
    """Record the authenticated user for the rest of the current binding."""
    _fields.set(MappingProxyType({**_fields.get(), "user_id": user_id}))


def current() -> dict[str, object]:
    """A copy of the bound fields; request_id, user_id and client are always present."""
    return {"request_id": None, "user_id": None, "client": None, **_fields.get()}
