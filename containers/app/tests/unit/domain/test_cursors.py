"""Keyset cursors: opaque, exact to the microsecond, and only valid for the query that made them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
import pytest

from mymonit.domain.cursors import decode_cursor, encode_cursor
from mymonit.domain.errors import InvalidRequest
from mymonit.domain.queries import Cursor, Order


def raw_cursor(payload: object) -> str:
    """A cursor as a client could forge it, from any JSON value."""
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(datetime(2022, 4, 6, 7, 0, tzinfo=UTC), 1),
        Cursor(datetime(2022, 4, 6, 7, 0, 0, 123_456, tzinfo=UTC), 42),
        Cursor(datetime(2022, 4, 6, 7, 0, 0, 1, tzinfo=UTC), 2**64 - 1),
        Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0),
        Cursor(datetime(9999, 12, 30, 23, 59, 59, 999_999, tzinfo=UTC), 8),
    ],
    ids=["whole second", "microseconds", "one microsecond and the largest key", "the epoch and key zero", "year 9999"],
)
@pytest.mark.parametrize("order", list(Order))
def test_a_cursor_decodes_to_the_exact_position_it_was_made_from(cursor: Cursor, order: Order) -> None:
    text = encode_cursor(cursor, 5, order)

    assert decode_cursor(text, 5, order) == cursor


def test_a_cursor_is_url_safe_and_unpadded() -> None:
    text = encode_cursor(Cursor(datetime(2022, 4, 6, 7, 0, 0, 999_999, tzinfo=UTC), 10**12), 12345, Order.DESC)

    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


GOOD = encode_cursor(Cursor(datetime(2022, 4, 6, 7, 0, tzinfo=UTC), 3), 1, Order.ASC)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("not a cursor!", id="garbage"),
        pytest.param("%%%%", id="not base64"),
        pytest.param("é", id="not ascii"),
        pytest.param(GOOD[:-3], id="truncated"),
        pytest.param(GOOD[:4] + ("A" if GOOD[4] != "A" else "B") + GOOD[5:], id="one character changed"),
        pytest.param(raw_cursor({"ts": 1}), id="an object"),
        pytest.param(raw_cursor([2, 1, "asc", 0]), id="too short"),
        pytest.param(raw_cursor([2, 1, "asc", 0, 3, 9]), id="too long"),
        pytest.param(raw_cursor([1, 1, "asc", 0, 3]), id="version 1 (row ids, before migration 0003)"),
        pytest.param(raw_cursor([2, 1, "asc", 1.5, 3]), id="fractional microseconds"),
        pytest.param(raw_cursor([2, 1, "asc", "0", 3]), id="timestamp as text"),
        pytest.param(raw_cursor([2, 1, "asc", 0, True]), id="key as a boolean"),
        pytest.param(raw_cursor([2, 1, "asc", 0, -3]), id="negative key"),
        pytest.param(raw_cursor([2, 1, "asc", 0, 3.0]), id="key as a float"),
        pytest.param(raw_cursor([2, 1, "asc", 2**62, 3]), id="timestamp beyond year 9999"),
        pytest.param(raw_cursor(42), id="a number"),
    ],
)
def test_a_malformed_cursor_is_an_invalid_request(text: str) -> None:
    with pytest.raises(InvalidRequest, match="malformed"):
        decode_cursor(text, 1, Order.ASC)


@pytest.mark.parametrize(
    ("experiment_id", "order"),
    [pytest.param(2, Order.ASC, id="another experiment"), pytest.param(1, Order.DESC, id="the other order")],
)
def test_a_cursor_made_for_another_query_is_an_invalid_request(experiment_id: int, order: Order) -> None:
    with pytest.raises(InvalidRequest, match="another query"):
        decode_cursor(GOOD, experiment_id, order)


def test_a_cursor_edited_to_name_another_experiment_is_refused() -> None:
    forged = raw_cursor([2, 2, "asc", 0, 3])

    with pytest.raises(InvalidRequest, match="another query"):
        decode_cursor(forged, 1, Order.ASC)
