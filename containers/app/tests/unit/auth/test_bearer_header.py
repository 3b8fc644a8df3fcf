"""Reading `Authorization: Bearer <token>`."""

from __future__ import annotations

import pytest

from mymonit.auth.bearer import MAX_TOKEN_LENGTH, bearer_token
from mymonit.domain.errors import TokenRejected


@pytest.mark.parametrize(
    ("header", "token"),
    [
        pytest.param("Bearer abc.def.ghi", "abc.def.ghi", id="the usual form"),
        pytest.param("bearer abc", "abc", id="the scheme is case-insensitive"),
        pytest.param("BEARER abc", "abc", id="upper case"),
        pytest.param("  Bearer   abc  ", "abc", id="blanks around and between"),
        pytest.param("Bearer " + "t" * MAX_TOKEN_LENGTH, "t" * MAX_TOKEN_LENGTH, id="the longest token"),
    ],
)
def test_the_token_is_read_from_a_bearer_header(header: str, token: str) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        pytest.param(None, "missing Authorization header", id="no header"),
        pytest.param("", "missing Authorization header", id="an empty header"),
        pytest.param("Bearer", "must be 'Bearer <Firebase ID token>'", id="no token"),
        pytest.param("Bearer    ", "must be 'Bearer <Firebase ID token>'", id="a blank token"),
        pytest.param("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "must be 'Bearer <Firebase ID token>'", id="basic"),
        pytest.param("Token abc", "must be 'Bearer <Firebase ID token>'", id="another scheme"),
        pytest.param("abc.def.ghi", "must be 'Bearer <Firebase ID token>'", id="a bare token"),
        pytest.param("Bearerabc", "must be 'Bearer <Firebase ID token>'", id="no space after the scheme"),
        pytest.param("Bearer " + "t" * (MAX_TOKEN_LENGTH + 1), "too long", id="a token over the limit"),
    ],
)
def test_anything_else_is_rejected_with_a_reason(header: str | None, reason: str) -> None:
    with pytest.raises(TokenRejected) as raised:
        bearer_token(header)

    assert reason in raised.value.reason
