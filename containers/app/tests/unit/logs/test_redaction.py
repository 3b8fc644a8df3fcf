"""The redaction function: what it hides, what it keeps, and that it is safe on any input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mymonit.audit import AuditEvent, Outcome
from mymonit.domain.personal import Personal
from mymonit.logs import redact
from mymonit.logs.redaction import DEPTH_MARKER, MAX_CHARS, MAX_DEPTH, TRUNCATION_MARKER
from mymonit.logs.text_scrubber import SCAN_FACTOR, TextScrubber

DB_SECRET = "Db-s3cret!pw"
RABBIT_SECRET = "r@bbit/p:w"
SECRETS = (DB_SECRET, RABBIT_SECRET)
JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"
    ".eyJ1aWQiOiJhbGljZSIsImVtYWlsIjoiYWxpY2VAZXhhbXBsZS5vcmcifQ"
    ".c2lnbmF0dXJlLWJ5dGVzLWhlcmU"
)
UNSIGNED_JWT = "eyJhbGciOiJub25lIn0.eyJ1aWQiOiJib2IifQ."


def leaks(output: object, *needles: str) -> list[str]:
    text = json.dumps(output)
    return [needle for needle in needles if needle in text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mysql://u:p@h/db", "mysql://u:***@h/db"),
        ("amqp://u:p@h:5672/%2F", "amqp://u:***@h:5672/%2F"),
        ("amqps://mymonit:pw@rabbit.example.org:5671/x", "amqps://mymonit:***@rabbit.example.org:5671/x"),
        ("mysql+mysqlconnector://u:p@ss@h/db", "mysql+mysqlconnector://u:***@h/db"),
        ("redis://tok3n@cache:6379/0", "redis://***@cache:6379/0"),
        ("connect failed: amqp://u:p@h:5672/ (refused)", "connect failed: amqp://u:***@h:5672/ (refused)"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ('{"Authorization": "bearer xyz"}', '{"Authorization": "bearer ***"}'),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic ***"),
        (f"token {JWT} rejected", "token *** rejected"),
        (f"emulator token {UNSIGNED_JWT}", "emulator token ***"),
        ("sent to alice.smith+lab@example.co.uk today", "sent to *** today"),
        ("password=hunter2&next=/", "password=***&next=/"),
        ("DB_PASSWORD=hunter2 RABBIT_USER=mymonit", "DB_PASSWORD=*** RABBIT_USER=mymonit"),
        ('{"password": "hunter2", "count": 3}', '{"password": "***", "count": 3}'),
        ("?id_token=abc123&x=1", "?id_token=***&x=1"),
        ("secret_key: 'zz'", "secret_key: '***'"),
    ],
)
def test_scrubs_credentials_and_personal_data_inside_strings(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *(event.value for event in AuditEvent),
        *(outcome.value for outcome in Outcome),
        "stored 120 measures for experiment exp-1 in 0.42 s",
        "version 1.2.3 on db.example.org:3306",
        "see http://example.org/a@b and mymonit.logs.redaction",
        "the basic rule applies",
    ],
)
def test_leaves_ordinary_text_and_the_event_vocabulary_untouched(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"mysql://mymonit:{DB_SECRET}@db:3306/my_monit", DB_SECRET),
        (f"could not log in with {DB_SECRET!r}", DB_SECRET),
        ("url amqp://mymonit:r%40bbit%2Fp%3Aw@rabbit:5672/%2F", RABBIT_SECRET),
        (f"form body pw={RABBIT_SECRET.replace('/', '%2F').replace('@', '%40').replace(':', '%3A')}", RABBIT_SECRET),
        (f"prefix{DB_SECRET}suffix", DB_SECRET),
        (json.dumps({"note": f"pw {RABBIT_SECRET}"}), RABBIT_SECRET),
    ],
)
def test_hides_known_secret_values_already_embedded_in_text(text: str, secret: str) -> None:
    output = redact(text, SECRETS)

    assert isinstance(output, str)
    assert secret not in output
    assert "r%40bbit" not in output
    assert "***" in output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"name": "Alice", "experiment": "exp-1"}, {"name": "***", "experiment": "exp-1"}),
        (
            {"user": {"email": "a@b.org", "username": "fb-uid-1", "user_id": "u-7", "uid": "x"}},
            {"user": {"email": "***", "username": "***", "user_id": "u-7", "uid": "***"}},
        ),
        (
            {"headers": {"Authorization": "Bearer t", "Cookie": "s=1", "X-Api-Key": "k", "Accept": "*/*"}},
            {"headers": {"Authorization": "***", "Cookie": "***", "X-Api-Key": "***", "Accept": "*/*"}},
        ),
        (
            {"idToken": "t", "display_name": "Al", "db_password": "p", "dsn": "mysql://h/db"},
            {"idToken": "***", "display_name": "***", "db_password": "***", "dsn": "***"},
        ),
        (
            {"experiment_id": 3, "measure_type": "temperature", "count": 2, "ok": True, "ratio": 0.5},
            {"experiment_id": 3, "measure_type": "temperature", "count": 2, "ok": True, "ratio": 0.5},
        ),
        ([{"email": "a@b.org"}, ("x", Personal("Bob"))], [{"email": "***"}, ["x", "***"]]),
        ({"owner": Personal("Alice"), "emails": ["a@b.org", "c@d.org"]}, {"owner": "***", "emails": "***"}),
        ({"notes": ["reach me at bob@lab.org"]}, {"notes": ["reach me at ***"]}),
        ({1: "one", None: "none", 2.5: "x"}, {"1": "one", "None": "none", "2.5": "x"}),
        ({("a", 1): "tuple key", "bob@lab.org": 1}, {"['a', 1]": "tuple key", "***": 1}),
        (frozenset({"b", "a"}), ["a", "b"]),
    ],
)
def test_redacts_structures_by_key_and_by_value(value: object, expected: object) -> None:
    assert redact(value) == expected


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("password=hunter2 for bob@lab.org"), "ValueError: password=*** for ***"),
        (ConnectionError("amqp://u:pw@rabbit:5672/ refused"), "ConnectionError: amqp://u:***@rabbit:5672/ refused"),
        (KeyError("k"), "KeyError: 'k'"),
        (RuntimeError(f"DB said {DB_SECRET}"), "RuntimeError: DB said ***"),
    ],
)
def test_turns_an_exception_into_its_type_and_scrubbed_message(error: Exception, expected: str) -> None:
    assert redact(error, SECRETS) == expected


class Opaque:
    def __repr__(self) -> str:
        return f"Opaque(dsn='mysql://u:{DB_SECRET}@h/db', owner=bob@lab.org)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Personal("Alice"), "***"),
        (Opaque(), "Opaque(dsn='mysql://u:***@h/db', owner=***)"),
        (datetime(2024, 5, 1, 12, 0, tzinfo=UTC), "2024-05-01T12:00:00+00:00"),
        (b"password=hunter2", "b'password=***'"),
        (float("inf"), "inf"),
        (Outcome.DENIED, "denied"),
        (None, None),
    ],
)
def test_turns_other_values_into_scrubbed_json_safe_text(value: object, expected: object) -> None:
    output = redact(value, SECRETS)

    assert output == expected
    assert type(output) in {str, type(None)}


def nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"child": value}
    return value


@pytest.mark.parametrize(("depth", "cut"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True), (200, True)])
def test_cuts_nesting_at_the_depth_bound(depth: int, cut: bool) -> None:
    output = redact(nested(depth))
    for _ in range(MAX_DEPTH):
        assert isinstance(output, dict)
        output = output["child"]

    assert output == (DEPTH_MARKER if cut else "leaf")


def test_survives_a_structure_that_contains_itself() -> None:
    loop: dict[str, object] = {}
    loop["self"] = loop

    assert DEPTH_MARKER in json.dumps(redact(loop))


@pytest.mark.parametrize(
    ("text", "limit"),
    [("x" * 10_000, MAX_CHARS), ("y" * 500, 100), (f"{'z' * 5000}{DB_SECRET}", MAX_CHARS)],
)
def test_truncates_long_strings_with_a_marker(text: str, limit: int) -> None:
    output = redact(text, SECRETS, max_chars=limit)

    assert isinstance(output, str)
    assert len(output) == limit
    assert output.endswith(TRUNCATION_MARKER)


def test_hides_a_secret_before_truncating_so_no_fragment_survives() -> None:
    text = "a" * (MAX_CHARS - 5) + DB_SECRET

    assert not leaks(redact(text, SECRETS), DB_SECRET[:5])


@pytest.mark.parametrize("filler", [JWT + " ", "x"], ids=["shrinking", "plain"])
def test_hides_a_secret_cut_by_the_scan_window_of_a_huge_string(filler: str) -> None:
    window = MAX_CHARS * SCAN_FACTOR
    prefix = (filler * (window // len(filler) + 1))[: window - 6] + " "
    output = redact(f"{prefix}{DB_SECRET} and the tail", SECRETS)

    assert isinstance(output, str)
    assert not leaks(output, DB_SECRET[:5])
    assert len(output) <= MAX_CHARS


def test_leaves_its_input_unchanged() -> None:
    value = {"name": "Alice", "items": [{"email": "a@b.org"}], "owner": Personal("Bob")}
    before = copy.deepcopy(value)

    redact(value, SECRETS)

    assert value == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
tricky_text = st.lists(
    st.sampled_from(["mysql://u:p@h/db", "Bearer t0k", JWT, "a@b.org", "password=x", DB_SECRET, " ", "é", "@"]),
    max_size=8,
).map("".join)


@given(json_values | tricky_text)
def test_is_idempotent_and_json_serialisable(value: object) -> None:
    once = redact(value, SECRETS)

    assert redact(once, SECRETS) == once
    json.dumps(once)


@given(tricky_text)
def test_never_lets_a_known_secret_or_token_through(text: str) -> None:
    assert not leaks(redact(text, SECRETS), DB_SECRET, JWT[:20], "a@b.org", "t0k")


@given(st.text(max_size=120) | tricky_text | st.text(alphabet="aA0:-_./=@ eyJ\"'", max_size=60))
def test_its_quick_look_for_a_secret_or_pattern_changes_no_answer(text: str) -> None:
    scrubber = TextScrubber.of(SECRETS, MAX_CHARS)

    assert scrubber.text(text) == scrubber._truncated(scrubber._scrubbed(text))  # the full path
