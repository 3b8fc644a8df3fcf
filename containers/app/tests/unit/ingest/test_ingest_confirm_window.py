"""Publisher confirms bookkeeping: nothing is forgotten before its confirm, resends keep their order."""

from __future__ import annotations

from mymonit.producers.confirms import ConfirmWindow, Outgoing


def window_with(*ids: str) -> ConfirmWindow:
    window = ConfirmWindow()
    for message_id in ids:
        window.add(Outgoing(message_id, message_id.encode()))
    return window


def send_all(window: ConfirmWindow) -> list[tuple[int, str]]:
    sent = []
    while (taken := window.take()) is not None:
        sent.append((taken[0], taken[1].message_id))
    return sent


def test_messages_are_outstanding_until_confirmed_one_by_one_or_together() -> None:
    window = window_with("a", "b", "c", "d")
    assert send_all(window) == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]

    window.acked(2, multiple=True)
    assert window.outstanding == 2
    window.acked(4, multiple=False)
    window.acked(3, multiple=False)

    assert window.outstanding == 0
    assert window.confirmed == 4


def test_a_nacked_message_is_sent_again_first() -> None:
    window = window_with("a", "b", "c")
    send_all(window)

    window.nacked(2, multiple=True)

    assert [m for _tag, m in send_all(window)] == ["a", "b"]
    assert window.resent == 2
    assert window.outstanding == 3


def test_after_a_reconnection_unconfirmed_messages_go_first_in_order_with_tags_from_one() -> None:
    window = window_with("a", "b", "c")
    send_all(window)
    window.acked(1, multiple=False)
    window.add(Outgoing("d", b"d"))

    window.restart()

    assert send_all(window) == [(1, "b"), (2, "c"), (3, "d")]
    assert window.resent == 2


def test_a_returned_message_is_settled_as_unroutable_not_as_confirmed() -> None:
    window = window_with("a", "b")
    send_all(window)

    window.returned("a")
    window.acked(2, multiple=True)

    assert window.unroutable == ["a"]
    assert window.confirmed == 1
    assert window.outstanding == 0
