"""Verified ID tokens remembered until they expire, so each token's signature is checked once.

An ID token is immutable and carries its own expiry: once firebase-admin has verified its
signature, audience, issuer and times, the answer for the same token stays true until `exp`.
Only that answer is remembered. Whether the account has been disabled or its tokens revoked is
not a property of the token: the verifier asks `AccountStatusSource` on every use, cached or not.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VerifiedClaims:
    """What a verified token says: whose it is, when it was issued and until when it is valid."""

    uid: str
    issued_at: int  # Unix seconds (the `iat` claim)
    expires_at: int  # Unix seconds (the `exp` claim)


class VerifiedTokens:
    """At most `size` verified tokens, each until its `exp` (by `clock`, Unix seconds); thread-safe.

    Keyed by the token's SHA-256, so no bearer token is held in memory beyond its request. When
    full, the oldest entry is forgotten first. `size` 0 remembers nothing.
    """

    def __init__(self, size: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self._size = size
        self._clock = clock
        self._entries: dict[bytes, VerifiedClaims] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> VerifiedClaims | None:
        """The claims of a token verified before and not yet expired, else None."""
        claims = self._entries.get(_key(token))
        if claims is None or self._clock() >= claims.expires_at:
            return None
        return claims

    def put(self, token: str, claims: VerifiedClaims) -> None:
        """Remember a token that firebase-admin has just verified."""
        if self._size <= 0 or self._clock() >= claims.expires_at:
            return
        key = _key(token)
        with self._lock:
            self._entries.pop(key, None)
            while len(self._entries) >= self._size:
                del self._entries[next(iter(self._entries))]  # dicts keep insertion order: oldest first
            self._entries[key] = claims

    def __len__(self) -> int:
        return len(self._entries)


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()
