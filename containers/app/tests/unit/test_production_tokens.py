"""The production verification path, offline: RS256 tokens signed with a key made here, whose
certificate is served to firebase-admin's key fetch through a requests transport adapter."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import firebase_admin
import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from firebase_admin import auth
from requests.adapters import BaseAdapter

from mymonit.auth.verifier import AccountStatus, FirebaseTokenVerifier
from mymonit.domain.errors import TokenRejected, Unavailable

PROJECT = "mymonit-prod-test"
KID = "test-key-1"


def _key_and_certificate() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode()


KEY, CERTIFICATE = _key_and_certificate()
OTHER_KEY, _ = _key_and_certificate()


class CertificateEndpoint(BaseAdapter):
    """Answers Google's certificate URL with our certificate (or with an outage)."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 503 if self.down else 200
        response._content = b"down" if self.down else json.dumps({KID: CERTIFICATE}).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


class Accounts:
    def __init__(self) -> None:
        self.statuses: dict[str, AccountStatus] = {}

    def status(self, uid: str) -> AccountStatus:
        return self.statuses.get(uid, AccountStatus(disabled=False, tokens_valid_after_ms=0))


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[CertificateEndpoint]:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    service_account = firebase_admin.credentials.Certificate({
        "type": "service_account", "project_id": PROJECT, "client_email": f"verifier@{PROJECT}.iam.gserviceaccount.com",
        "private_key": KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode(),
        "private_key_id": "sa-key", "token_uri": "https://oauth2.googleapis.com/token",
    })
    app = firebase_admin.initialize_app(service_account, options={"projectId": PROJECT},
                                        name=f"prod-{time.monotonic_ns()}")
    adapter = CertificateEndpoint()
    # The third-party edge: firebase-admin's certificate fetch session.
    auth._get_client(app)._token_verifier.request.session.mount("https://www.googleapis.com/", adapter)
    adapter.app = app  # type: ignore[attr-defined]
    yield adapter
    firebase_admin.delete_app(app)


@pytest.fixture
def accounts() -> Accounts:
    return Accounts()


@pytest.fixture
def verifier(endpoint: CertificateEndpoint, accounts: Accounts) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(endpoint.app, accounts)  # type: ignore[attr-defined]


def _token(key: rsa.RSAPrivateKey = KEY, *, algorithm: str = "RS256", kid: str = KID, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": f"https://securetoken.google.com/{PROJECT}", "aud": PROJECT, "sub": "uid-1", "iat": now - 10,
            "exp": now + 3600, "auth_time": now - 10} | claims
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    secret = pem if algorithm == "RS256" else b"a-shared-secret-of-at-least-32-bytes!"
    return jwt.encode(body, secret, algorithm=algorithm, headers={"kid": kid})


def test_a_genuine_token_yields_its_uid(verifier: FirebaseTokenVerifier) -> None:
    assert verifier.verify(_token()) == "uid-1"


@pytest.mark.parametrize(("token", "reason"), [
    (lambda: _token(OTHER_KEY), "not a valid"),
    (lambda: _token(exp=int(time.time()) - 120, iat=int(time.time()) - 4000), "expired"),
    (lambda: _token(aud="someone-else"), "not a valid"),
    (lambda: _token(iss="https://securetoken.google.com/someone-else"), "not a valid"),
    (lambda: _token(algorithm="HS256"), "not a valid"),
    (lambda: _token(kid="unknown-kid"), "not a valid"),
    (lambda: _token(sub=""), "not a valid"),
    (lambda: "header.payload.signature", "not a valid"),
], ids=["foreign key", "expired", "wrong audience", "wrong issuer", "HS256", "unknown kid", "empty subject",
        "garbage"])
def test_forged_or_stale_tokens_are_rejected(verifier: FirebaseTokenVerifier, token: Any, reason: str) -> None:
    with pytest.raises(TokenRejected, match=reason):
        verifier.verify(token())


def test_a_token_issued_before_revocation_is_rejected(verifier: FirebaseTokenVerifier, accounts: Accounts) -> None:
    accounts.statuses["uid-1"] = AccountStatus(disabled=False, tokens_valid_after_ms=int(time.time() * 1000))

    with pytest.raises(TokenRejected, match="revoked"):
        verifier.verify(_token())


def test_a_disabled_account_is_rejected(verifier: FirebaseTokenVerifier, accounts: Accounts) -> None:
    accounts.statuses["uid-1"] = AccountStatus(disabled=True, tokens_valid_after_ms=0)

    with pytest.raises(TokenRejected, match="disabled"):
        verifier.verify(_token())


def test_an_unreachable_certificate_endpoint_is_unavailable_not_unauthenticated(
    verifier: FirebaseTokenVerifier, endpoint: CertificateEndpoint,
) -> None:
    endpoint.down = True

    with pytest.raises(Unavailable):
        verifier.verify(_token())
