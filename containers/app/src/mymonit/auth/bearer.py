"""Reading the bearer token out of an Authorization header."""

from __future__ import annotations

from mymonit.domain.errors import TokenRejected

MAX_TOKEN_LENGTH = 8_192


def bearer_token(header: str | None) -> str:
    """The token of `Authorization: Bearer <token>`; raises `TokenRejected` with a reason."""
    if not header:
        raise TokenRejected("missing Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("the Authorization header must be 'Bearer <Firebase ID token>'")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected("the token is too long")
    return token
