"""Verified tokens: remembered until their exp, bounded, never standing in for the revocation check."""

from __future__ import annotations

from typing import Any

import pytest
from firebase_admin import auth

from mymonit.auth.token_cache import VerifiedClaims, VerifiedTokens
from mymonit.auth.verifier import AccountStatus, FirebaseTokenVerifier
from mymonit.domain.errors import TokenRejected
from tests.unit.fakes import FakeAccountStatusSource, FakeClock

ISSUED_AT = 1_649_228_400
EXPIRES_AT = ISSUED_AT + 3600
CLAIMS = VerifiedClaims("uid-1", ISSUED_AT, EXPIRES_AT)


@pytest.mark.parametrize(("now", "remembered"), [
    pytest.param(ISSUED_AT, True, id="just issued"),
    pytest.param(EXPIRES_AT - 0.001, True, id="a moment before exp"),
    pytest.param(EXPIRES_AT, False, id="at exp"),
    pytest.param(EXPIRES_AT + 60, False, id="after exp"),
])
def test_a_verified_token_is_remembered_until_its_expiry(now: float, remembered: bool) -> None:
    clock = FakeClock(ISSUED_AT)
    tokens = VerifiedTokens(clock=clock)
    tokens.put("token-a", CLAIMS)

    clock.now = now

    assert (tokens.get("token-a") == CLAIMS) is remembered


def test_only_the_same_token_is_recognised() -> None:
    tokens = VerifiedTokens(clock=FakeClock(ISSUED_AT))
    tokens.put("token-a", CLAIMS)

    assert tokens.get("token-a ") is None
    assert tokens.get("token-b") is None


def test_an_expired_token_is_not_stored() -> None:
    tokens = VerifiedTokens(clock=FakeClock(EXPIRES_AT))
    tokens.put("token-a", CLAIMS)

    assert len(tokens) == 0


def test_the_oldest_token_is_forgotten_when_full() -> None:
    tokens = VerifiedTokens(size=2, clock=FakeClock(ISSUED_AT))
    for name in ("token-a", "token-b", "token-c"):
        tokens.put(name, CLAIMS)

    assert [tokens.get(name) is not None for name in ("token-a", "token-b", "token-c")] == [False, True, True]
    assert len(tokens) == 2


def test_a_size_of_zero_remembers_nothing() -> None:
    tokens = VerifiedTokens(size=0, clock=FakeClock(ISSUED_AT))
    tokens.put("token-a", CLAIMS)

    assert tokens.get("token-a") is None


class CountingFirebase:
    """firebase-admin's verify_id_token (the third-party edge): counts calls, answers `claims`."""

    def __init__(self, claims: dict[str, Any]) -> None:
        self.claims = claims
        self.calls = 0

    def __call__(self, token: str, app: object = None, check_revoked: bool = False,  # noqa: ARG002
                 clock_skew_seconds: int = 0) -> dict[str, Any]:  # noqa: ARG002
        self.calls += 1
        if token != "a-genuine-token":
            raise auth.InvalidIdTokenError("bad signature")
        return dict(self.claims)


@pytest.fixture
def firebase(monkeypatch: pytest.MonkeyPatch) -> CountingFirebase:
    counting = CountingFirebase({"uid": "uid-1", "iat": ISSUED_AT, "exp": EXPIRES_AT})
    monkeypatch.setattr(auth, "verify_id_token", counting)
    return counting


def verifier(source: FakeAccountStatusSource, clock: FakeClock) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(app=None, accounts=source, tokens=VerifiedTokens(clock=clock))


def test_a_token_is_verified_by_firebase_once_and_its_account_checked_every_time(firebase: CountingFirebase) -> None:
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    tokens = verifier(source, FakeClock(ISSUED_AT + 10))

    uids = [tokens.verify("a-genuine-token") for _ in range(3)]

    assert uids == ["uid-1"] * 3
    assert firebase.calls == 1
    assert source.lookups == ["uid-1"] * 3


@pytest.mark.usefixtures("firebase")
def test_a_remembered_token_is_rejected_from_the_moment_it_is_revoked() -> None:
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    tokens = verifier(source, FakeClock(ISSUED_AT + 10))
    tokens.verify("a-genuine-token")

    source.statuses["uid-1"] = AccountStatus(disabled=False, tokens_valid_after_ms=(ISSUED_AT + 5) * 1000)

    with pytest.raises(TokenRejected, match="revoked"):
        tokens.verify("a-genuine-token")


@pytest.mark.usefixtures("firebase")
def test_a_remembered_token_is_rejected_once_its_account_is_disabled() -> None:
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    tokens = verifier(source, FakeClock(ISSUED_AT + 10))
    tokens.verify("a-genuine-token")

    source.statuses["uid-1"] = AccountStatus(disabled=True, tokens_valid_after_ms=0)

    with pytest.raises(TokenRejected, match="disabled"):
        tokens.verify("a-genuine-token")


def test_a_token_past_its_expiry_goes_back_to_firebase(firebase: CountingFirebase) -> None:
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    clock = FakeClock(ISSUED_AT + 10)
    tokens = verifier(source, clock)
    tokens.verify("a-genuine-token")
    clock.now = EXPIRES_AT
    firebase.claims = {}  # firebase-admin would now raise ExpiredIdTokenError; any answer shows it was asked

    with pytest.raises(KeyError):
        tokens.verify("a-genuine-token")
    assert firebase.calls == 2


def test_a_rejected_token_is_not_remembered(firebase: CountingFirebase) -> None:
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    tokens = verifier(source, FakeClock(ISSUED_AT + 10))

    for _ in range(2):
        with pytest.raises(TokenRejected, match="not a valid"):
            tokens.verify("a-forged-token")

    assert firebase.calls == 2


def test_a_token_without_exp_is_never_remembered(firebase: CountingFirebase) -> None:
    firebase.claims = {"uid": "uid-1", "iat": ISSUED_AT}
    source = FakeAccountStatusSource({"uid-1": AccountStatus(disabled=False, tokens_valid_after_ms=0)})
    tokens = verifier(source, FakeClock(ISSUED_AT + 10))

    tokens.verify("a-genuine-token")
    tokens.verify("a-genuine-token")

    assert firebase.calls == 2
