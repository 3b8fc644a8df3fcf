"""The dedup key: 16 bytes that make a redelivered measure a no-op in storage."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def dedup_key(
    experiment: str, measure: str, timestamp: datetime, value: float, producer_id: str | None = None
) -> bytes:
    """BLAKE2b-128 of the producer's idempotency key if given, else of the measure's identity.

    The identity is (experiment, measure, timestamp to the microsecond, value's exact bits), so the
    same reading published twice maps to one row, and two different readings never collide in
    practice (2^-64 birthday bound at billions of rows).
    """
    digest = hashlib.blake2b(digest_size=16, person=b"mymonit-measure")
    if producer_id is not None:
        digest.update(b"id\x00" + experiment.encode() + b"\x00" + producer_id.encode())
    else:
        micros = (timestamp - EPOCH) // MICROSECOND  # exact integers: floats blur microseconds after ~2200
        digest.update(experiment.encode() + b"\x00" + measure.encode() + b"\x00")
        digest.update(struct.pack(">qd", micros, value))
    return digest.digest()
