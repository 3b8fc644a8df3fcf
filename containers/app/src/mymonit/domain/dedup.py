"""The dedup key: 64 bits that make a redelivered measure a no-op in storage."""

from __future__ import annotations

import hashlib
import struct
from datetime import datetime

from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.domain.timestamps import unix_micros


def dedup_key(
    experiment: str, measure: str, timestamp: datetime, value: float, producer_id: str | None = None,
    labels: Labels = DEFAULT_LABELS,
) -> int:
    """The first 64 bits of a BLAKE2b-128 of the producer's idempotency key if given, else of the
    measure's identity, as an unsigned integer.

    The identity is (experiment, measure, timestamp to the microsecond, value's exact bits), so the
    same reading published twice maps to one row. The key is unique together with the experiment
    and the timestamp (the table's primary key), so two different readings would have to fall in
    the same experiment and microsecond and collide in 64 bits (2^-64) to be taken for one. (The
    first 64 bits of the 128-bit digest, not a 64-bit BLAKE2b: the 16-byte keys stored before
    migration 0003 convert to these by truncation.)

    A measure of a series other than the default one (a sensor or tags) adds its labels
    (`Labels.dedup_suffix`) after the names or the producer's id, so two sensors reporting the same
    value in the same microsecond make two rows. Without labels the key is what it was before
    series existed, so a message redelivered across that upgrade is still recognised.
    """
    digest = hashlib.blake2b(digest_size=16, person=b"mymonit-measure")
    if producer_id is not None:
        digest.update(b"id\x00" + experiment.encode() + b"\x00" + producer_id.encode() + labels.dedup_suffix())
    else:
        digest.update(experiment.encode() + b"\x00" + measure.encode() + b"\x00" + labels.dedup_suffix())
        digest.update(struct.pack(">qd", unix_micros(timestamp), value))
    return int.from_bytes(digest.digest()[:8])
