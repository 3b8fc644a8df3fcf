"""Fakes of the identity provider's ports (auth/verifier.py)."""

from __future__ import annotations

from mymonit.auth.verifier import AccountStatus
from mymonit.domain.errors import TokenRejected


class FakeTokenVerifier:
    """Knows a fixed set of tokens, each naming a Firebase uid; rejects every other token."""

    def __init__(self, uids_by_token: dict[str, str] | None = None) -> None:
        self.uids_by_token = dict(uids_by_token or {})

    def verify(self, token: str) -> str:
        try:
            return self.uids_by_token[token]
        except KeyError:
            raise TokenRejected("the token is not a valid Firebase ID token") from None


class FakeAccountStatusSource:
    """Account statuses by uid; counts the lookups; an uid listed in `failures` raises its error once."""

    def __init__(self, statuses: dict[str, AccountStatus] | None = None) -> None:
        self.statuses = dict(statuses or {})
        self.failures: dict[str, Exception] = {}
        self.lookups: list[str] = []

    def status(self, uid: str) -> AccountStatus:
        self.lookups.append(uid)
        if uid in self.failures:
            raise self.failures.pop(uid)
        if uid not in self.statuses:
            raise TokenRejected("the account of this token no longer exists")
        return self.statuses[uid]
