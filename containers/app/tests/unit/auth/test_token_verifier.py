"""Token verification: the account status cache, and revocation and disabled accounts after firebase-admin."""

from __future__ import annotations

from typing import Any

import firebase_admin
import pytest
from firebase_admin import auth, exceptions

from mymonit.auth.verifier import (
    IDENTITY_PROVIDER_TIMEOUT,
    AccountStatus,
    CachedAccountStatus,
    FirebaseAccountStatus,
    FirebaseTokenVerifier,
    firebase_app,
)
from mymonit.domain.errors import TokenRejected, Unavailable
from tests.unit.fakes import FakeAccountStatusSource, FakeClock

ACTIVE = AccountStatus(disabled=False, tokens_valid_after_ms=0)
ISSUED_AT = 1_649_228_400  # seconds, as in the token's iat claim


def test_a_status_is_cached_within_the_ttl() -> None:
    source, clock = FakeAccountStatusSource({"uid-1": ACTIVE}), FakeClock()
    cache = CachedAccountStatus(source, ttl=5.0, clock=clock)

    cache.status("uid-1")
    clock.advance(4.999)
    cached = cache.status("uid-1")

    assert cached == ACTIVE
    assert source.lookups == ["uid-1"]


@pytest.mark.parametrize("elapsed", [5.0, 60.0])
def test_a_status_is_fetched_again_once_the_ttl_has_passed(elapsed: float) -> None:
    source, clock = FakeAccountStatusSource({"uid-1": ACTIVE}), FakeClock()
    cache = CachedAccountStatus(source, ttl=5.0, clock=clock)
    cache.status("uid-1")
    revoked = AccountStatus(disabled=False, tokens_valid_after_ms=ISSUED_AT * 1000 + 1)
    source.statuses["uid-1"] = revoked

    clock.advance(elapsed)

    assert cache.status("uid-1") == revoked
    assert source.lookups == ["uid-1", "uid-1"]


def test_a_ttl_of_zero_asks_the_source_every_time() -> None:
    source, clock = FakeAccountStatusSource({"uid-1": ACTIVE}), FakeClock()
    cache = CachedAccountStatus(source, ttl=0, clock=clock)

    for _ in range(3):
        cache.status("uid-1")

    assert source.lookups == ["uid-1"] * 3


def test_each_uid_is_cached_on_its_own() -> None:
    source = FakeAccountStatusSource({"uid-1": ACTIVE, "uid-2": ACTIVE})
    cache = CachedAccountStatus(source, ttl=5.0, clock=FakeClock())

    for uid in ("uid-1", "uid-2", "uid-1", "uid-2"):
        cache.status(uid)

    assert source.lookups == ["uid-1", "uid-2"]


def test_a_failed_lookup_is_not_cached() -> None:
    source = FakeAccountStatusSource({"uid-1": ACTIVE})
    source.failures["uid-1"] = Unavailable("identity provider down")
    cache = CachedAccountStatus(source, ttl=5.0, clock=FakeClock())

    with pytest.raises(Unavailable):
        cache.status("uid-1")

    assert cache.status("uid-1") == ACTIVE
    assert source.lookups == ["uid-1", "uid-1"]


@pytest.fixture
def claims(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What firebase-admin's verify_id_token answers (the third-party edge); tests edit it."""
    answer: dict[str, Any] = {"uid": "uid-1", "iat": ISSUED_AT}

    def verify_id_token(token: str, app: object = None, check_revoked: bool = False,  # noqa: ARG001
                        clock_skew_seconds: int = 0) -> dict[str, Any]:  # noqa: ARG001
        assert token == "a-genuine-token"
        return dict(answer)

    monkeypatch.setattr(auth, "verify_id_token", verify_id_token)
    return answer


def verifier_with(status: AccountStatus) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(app=None, accounts=FakeAccountStatusSource({"uid-1": status}))


@pytest.mark.usefixtures("claims")
@pytest.mark.parametrize(
    "valid_after_ms",
    [pytest.param(0, id="never revoked"), pytest.param(ISSUED_AT * 1000, id="revoked in the second it was issued"),
     pytest.param((ISSUED_AT - 1) * 1000, id="revoked before it was issued")],
)
def test_a_genuine_token_of_an_active_account_names_its_uid(valid_after_ms: int) -> None:
    verifier = verifier_with(AccountStatus(disabled=False, tokens_valid_after_ms=valid_after_ms))

    assert verifier.verify("a-genuine-token") == "uid-1"


@pytest.mark.usefixtures("claims")
@pytest.mark.parametrize("valid_after_ms", [ISSUED_AT * 1000 + 1, (ISSUED_AT + 3600) * 1000])
def test_a_token_issued_before_its_revocation_is_rejected(valid_after_ms: int) -> None:
    verifier = verifier_with(AccountStatus(disabled=False, tokens_valid_after_ms=valid_after_ms))

    with pytest.raises(TokenRejected, match="revoked"):
        verifier.verify("a-genuine-token")


@pytest.mark.usefixtures("claims")
def test_a_token_of_a_disabled_account_is_rejected() -> None:
    with pytest.raises(TokenRejected, match="disabled"):
        verifier_with(AccountStatus(disabled=True, tokens_valid_after_ms=0)).verify("a-genuine-token")


def test_a_token_without_iat_counts_as_revoked_once_the_account_has_a_revocation(claims: dict[str, Any]) -> None:
    del claims["iat"]

    with pytest.raises(TokenRejected, match="revoked"):
        verifier_with(AccountStatus(disabled=False, tokens_valid_after_ms=1)).verify("a-genuine-token")


def test_a_token_of_a_deleted_account_is_rejected(claims: dict[str, Any]) -> None:
    claims["uid"] = "uid-deleted"

    with pytest.raises(TokenRejected, match="no longer exists"):
        verifier_with(ACTIVE).verify("a-genuine-token")


@pytest.mark.parametrize(
    ("error", "expected", "message"),
    [
        pytest.param(auth.ExpiredIdTokenError("expired", None), TokenRejected, "expired", id="expired"),
        pytest.param(auth.InvalidIdTokenError("bad signature"), TokenRejected, "not a valid", id="invalid"),
        pytest.param(auth.RevokedIdTokenError("revoked"), TokenRejected, "not a valid", id="revoked by firebase"),
        pytest.param(ValueError("not a string"), TokenRejected, "not a valid", id="malformed"),
        pytest.param(auth.CertificateFetchError("no network", None), Unavailable, "certificates",
                     id="certificates unreachable"),
    ],
)
def test_firebase_admin_errors_become_rejections_or_unavailability(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: type[Exception], message: str,
) -> None:
    def verify_id_token(*args: object, **kwargs: object) -> dict[str, Any]:  # noqa: ARG001
        raise error

    monkeypatch.setattr(auth, "verify_id_token", verify_id_token)
    source = FakeAccountStatusSource({"uid-1": ACTIVE})

    with pytest.raises(expected, match=message):
        FirebaseTokenVerifier(app=None, accounts=source).verify("a-token")
    assert source.lookups == []


class UserRecordStub:
    """The two attributes of firebase-admin's UserRecord that matter here."""

    def __init__(self, disabled: bool, tokens_valid_after_timestamp: int | None) -> None:
        self.disabled = disabled
        self.tokens_valid_after_timestamp = tokens_valid_after_timestamp


@pytest.mark.parametrize(
    ("record", "status"),
    [
        (UserRecordStub(False, None), AccountStatus(False, 0)),
        (UserRecordStub(True, 1_649_228_400_000), AccountStatus(True, 1_649_228_400_000)),
    ],
)
def test_the_firebase_account_status_reads_disabled_and_tokens_valid_after(
    monkeypatch: pytest.MonkeyPatch, record: UserRecordStub, status: AccountStatus,
) -> None:
    monkeypatch.setattr(auth, "get_user", lambda uid, app=None: record)  # noqa: ARG005

    assert FirebaseAccountStatus(app=None).status("uid-1") == status


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(auth.UserNotFoundError("gone"), TokenRejected, id="deleted account"),
        pytest.param(ValueError("uid too long"), TokenRejected, id="a uid firebase-admin refuses"),
        pytest.param(exceptions.UnavailableError("503"), Unavailable, id="firebase unavailable"),
        pytest.param(ConnectionResetError("reset"), Unavailable, id="network error"),
    ],
)
def test_the_firebase_account_status_maps_lookup_failures(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: type[Exception],
) -> None:
    def get_user(uid: str, app: object = None) -> object:  # noqa: ARG001
        raise error

    monkeypatch.setattr(auth, "get_user", get_user)

    with pytest.raises(expected):
        FirebaseAccountStatus(app=None).status("uid-1")


def test_firebase_admin_calls_time_out_well_before_its_default_of_two_minutes() -> None:
    app = firebase_app("demo-timeout", None, name="test-timeout")
    try:
        assert app.options.get("httpTimeout") == IDENTITY_PROVIDER_TIMEOUT
        assert IDENTITY_PROVIDER_TIMEOUT <= 10
    finally:
        firebase_admin.delete_app(app)
