"""Opaque keyset cursors: where the previous page of measures ended, for the next page's query."""

from __future__ import annotations

import base64
import binascii

import orjson

from mymonit.domain.errors import InvalidRequest
from mymonit.domain.queries import Cursor, Order
from mymonit.domain.timestamps import EPOCH, MICROSECOND, unix_micros

# 2 since measures are ordered by (ts, dedup key); version 1 named row ids, which are gone.
VERSION = 2


def encode_cursor(cursor: Cursor, experiment_id: int, order: Order) -> str:
    micros = unix_micros(cursor.ts)
    raw = orjson.dumps([VERSION, experiment_id, order.value, micros, cursor.key])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(text: str, experiment_id: int, order: Order) -> Cursor:
    """The position a cursor names; raises `InvalidRequest` if it is malformed or was made for another query."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        version, exp, direction, micros, key = orjson.loads(raw)
        valid = version == VERSION and isinstance(micros, int) and type(key) is int and 0 <= key < 2**64
        ts = EPOCH + micros * MICROSECOND if valid else None
    except (binascii.Error, orjson.JSONDecodeError, ValueError, TypeError, OverflowError, OSError):
        ts = None
    if ts is None:
        raise InvalidRequest("the cursor is malformed; use the Link header as given")
    if exp != experiment_id or direction != order.value:
        raise InvalidRequest("the cursor belongs to another query (experiment or order)")
    return Cursor(ts, key)
