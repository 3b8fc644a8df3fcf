"""Firebase ID token verification with revocation checked.

The signature, expiry, audience and issuer are checked by firebase-admin (Google's public
certificates, cached per their Cache-Control), once per token: the verified claims are remembered
until the token expires (`VerifiedTokens`). Revocation and disabled accounts are checked on every
request against the account's `tokens_valid_after` time, fetched through `AccountStatusSource` and
cached for `revocation_ttl` seconds per uid (0 = ask on every request).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import firebase_admin
from firebase_admin import auth, exceptions

from mymonit.auth.token_cache import VerifiedClaims, VerifiedTokens
from mymonit.domain.errors import TokenRejected, Unavailable
from mymonit.ttl_cache import TtlCache


@dataclass(frozen=True, slots=True)
class AccountStatus:
    disabled: bool
    tokens_valid_after_ms: int


class AccountStatusSource(Protocol):
    def status(self, uid: str) -> AccountStatus:
        """Raises `TokenRejected` if the account no longer exists, `Unavailable` if unreachable."""
        ...


class TokenVerifier(Protocol):
    def verify(self, token: str) -> str:
        """The uid of a genuine, current, unrevoked ID token; raises `TokenRejected` or `Unavailable`."""
        ...


class FirebaseAccountStatus:
    def __init__(self, app: firebase_admin.App) -> None:
        self._app = app

    def status(self, uid: str) -> AccountStatus:
        try:
            record = auth.get_user(uid, app=self._app)
        except auth.UserNotFoundError as error:
            raise TokenRejected("the account of this token no longer exists") from error
        except ValueError as error:  # a uid firebase-admin itself refuses (empty, too long)
            raise TokenRejected("the token names no valid account") from error
        except (exceptions.FirebaseError, OSError) as error:
            raise Unavailable("the identity provider cannot be reached") from error
        return AccountStatus(bool(record.disabled), int(record.tokens_valid_after_timestamp or 0))


class CachedAccountStatus:
    """Remembers each uid's status for `ttl` seconds; thread-safe."""

    def __init__(self, source: AccountStatusSource, ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._cache: TtlCache[str, AccountStatus] = TtlCache(ttl, clock=clock)

    def status(self, uid: str) -> AccountStatus:
        return self._cache.get(uid, self._source.status)


class FirebaseTokenVerifier:
    """firebase-admin's verification (skipped for a token in `tokens`), then the account's status."""

    def __init__(self, app: firebase_admin.App, accounts: AccountStatusSource,
                 tokens: VerifiedTokens | None = None) -> None:
        self._app = app
        self._accounts = accounts
        self._tokens = tokens if tokens is not None else VerifiedTokens(size=0)

    def verify(self, token: str) -> str:
        claims = self._tokens.get(token)
        if claims is None:
            claims = self._verified(token)
            self._tokens.put(token, claims)
        status = self._accounts.status(claims.uid)
        if status.disabled:
            raise TokenRejected("the account of this token is disabled")
        if claims.issued_at * 1000 < status.tokens_valid_after_ms:
            raise TokenRejected("the token has been revoked")
        return claims.uid

    def _verified(self, token: str) -> VerifiedClaims:
        claims = self._claims(token)
        # No `exp` (never from firebase-admin, which requires it): expired at once, never remembered.
        return VerifiedClaims(str(claims["uid"]), int(claims.get("iat", 0)), int(claims.get("exp", 0)))

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            return dict(auth.verify_id_token(token, app=self._app, clock_skew_seconds=5))
        except auth.ExpiredIdTokenError as error:
            raise TokenRejected("the token has expired") from error
        except auth.CertificateFetchError as error:
            raise Unavailable("the identity provider's certificates cannot be fetched") from error
        except (auth.InvalidIdTokenError, ValueError) as error:
            raise TokenRejected("the token is not a valid Firebase ID token") from error


# Seconds an HTTP call of firebase-admin (an account's status, the signing certificates) may take:
# its default, 120 s, would hold an API thread that long while the identity provider hangs.
IDENTITY_PROVIDER_TIMEOUT = 10.0


def firebase_app(project_id: str, credentials_path: str | None, name: str = "mymonit") -> firebase_admin.App:
    """The firebase-admin app for this project (created once per process and name)."""
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        credential = firebase_admin.credentials.Certificate(credentials_path) if credentials_path else None
        options = {"projectId": project_id, "httpTimeout": IDENTITY_PROVIDER_TIMEOUT}
        return firebase_admin.initialize_app(credential, options=options, name=name)
