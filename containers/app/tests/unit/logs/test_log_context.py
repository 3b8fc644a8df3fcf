"""Request context: bound per request through contextvars, never shared between threads."""

from __future__ import annotations

import threading

import pytest

from mymonit.logs import bind, bind_request, current, hash_client, set_user


def test_binds_the_request_and_restores_the_previous_context_afterwards() -> None:
    with bind_request("req-1", "192.0.2.7", user_id="u-1"):
        inside = current()

    assert inside == {"request_id": "req-1", "client": hash_client("192.0.2.7"), "user_id": "u-1"}
    assert current() == {"request_id": None, "user_id": None, "client": None}


def test_set_user_lasts_until_the_request_binding_ends() -> None:
    binding = bind_request("req-2", None)
    set_user("u-9")
    during = current()
    binding.unbind()
    binding.unbind()

    assert during["user_id"] == "u-9"
    assert during["client"] is None
    assert current()["user_id"] is None


def test_nested_bindings_add_fields_and_unwind_in_order() -> None:
    with bind_request("req-3", "198.51.100.1"), bind(consumer="measures"):
        assert current()["consumer"] == "measures"
        assert current()["request_id"] == "req-3"
    assert "consumer" not in current()


def test_a_thread_never_sees_another_threads_request() -> None:
    seen: list[object] = []

    def other_request() -> None:
        seen.append(current()["request_id"])
        with bind_request("req-other", None):
            seen.append(current()["request_id"])

    with bind_request("req-main", None):
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
        assert current()["request_id"] == "req-main"

    assert seen == [None, "req-other"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("192.0.2.1", b"salt"), ("192.0.2.1", b"salt"), True),
        (("192.0.2.1", b"salt"), ("192.0.2.2", b"salt"), False),
        (("192.0.2.1", b"salt"), ("192.0.2.1", b"pepper"), False),
        (("192.0.2.1", None), ("192.0.2.1", None), True),
    ],
)
def test_hashes_a_client_address_with_a_key(
    first: tuple[str, bytes | None], second: tuple[str, bytes | None], same: bool
) -> None:
    digest = hash_client(*first)

    assert (digest == hash_client(*second)) is same
    assert len(digest) == 16
    assert int(digest, 16) >= 0
    assert first[0] not in digest
