"""The durable Logstash spool, safe to share between processes (the API server's master and workers).

python-logstash-async's `DatabaseCache` marks the rows it is sending with `pending_delete = 1`
and, once sent, deletes *every* row so marked. Two processes on one spool file can therefore
delete each other's rows in flight (lost if that other send then fails), and rows marked by a
process killed mid-send are later deleted by anyone without ever having been sent.

`ClaimingSpool` claims each batch with a token of its own (`pending_delete = token`, unique in the
file, made of the claim time in microseconds), deletes or releases only the rows it claimed, and
takes over claims older than `CLAIM_TIMEOUT`, whose sender must have died. Delivery is therefore
at least once; an event is sent twice only when a sender dies (or stalls past the timeout) after
sending and before deleting, and each event's `log_id` lets Elasticsearch store it once.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

from logstash_async.constants import constants
from logstash_async.database import DatabaseCache

CLAIM_TIMEOUT: Final = 300.0  # seconds; a live sender needs at most ~40 (connect, send, drain)
# Held while a spool connection is open; `delivery` holds it across fork(), because SQLite's
# bookkeeping of an open connection, copied into a child, makes the file look locked there forever.
SPOOL_LOCK: Final = threading.Lock()
_MICROSECONDS: Final = 1_000_000
_UNCLAIMED: Final = (
    "SELECT `event_id`, `event_text` FROM `event` WHERE `pending_delete` < ? ORDER BY `event_id` LIMIT ?"
)
# Only "?" placeholders are ever formatted into these two statements.
_CLAIM: Final = "UPDATE `event` SET `pending_delete` = ? WHERE `event_id` IN ({})"
_RELEASE: Final = "UPDATE `event` SET `pending_delete` = 0 WHERE `pending_delete` = ? AND `event_id` IN ({})"


class ClaimingSpool(DatabaseCache):  # type: ignore[misc]  # the base class is untyped
    """`DatabaseCache` whose fetch, delete and requeue act only on this instance's last claim.

    One instance serves one worker thread, which fetches, sends, then deletes or requeues before
    fetching again; the claim token is remembered between those calls.
    """

    def __init__(self, path: str, event_ttl: int | None = None) -> None:
        super().__init__(path=path, event_ttl=event_ttl)
        self._claim = 0
        self._schema_ready = False

    def _initialize_schema(self) -> None:
        """Once per instance, not on every connection as the base class does (each is a write)."""
        if not self._schema_ready:
            super()._initialize_schema()
            self._schema_ready = True

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with SPOOL_LOCK, super()._connect() as connection:
            yield connection

    def get_queued_events(self) -> list[sqlite3.Row]:
        """Claim and return up to a batch of unclaimed (or abandoned) events, oldest first."""
        with self._connect() as connection:
            connection.execute("BEGIN EXCLUSIVE")  # reading and claiming are one step across processes
            now = time.time_ns() // 1000
            (highest,) = connection.execute("SELECT COALESCE(MAX(`pending_delete`), 0) FROM `event`").fetchone()
            token = max(now, int(highest) + 1)
            stale = now - int(CLAIM_TIMEOUT * _MICROSECONDS)
            events: list[sqlite3.Row] = connection.execute(
                _UNCLAIMED, (stale, constants.QUEUED_EVENTS_BATCH_SIZE)
            ).fetchall()
            for chunk, marks in _chunks([row["event_id"] for row in events]):
                connection.execute(_CLAIM.format(marks), (token, *chunk))
        self._claim = token
        return events

    def requeue_queued_events(self, events: Sequence[sqlite3.Row]) -> None:
        """Release the claimed `events` after a failed send, so any process may send them again."""
        with self._connect() as connection:
            for chunk, marks in _chunks([row["event_id"] for row in events]):
                connection.execute(_RELEASE.format(marks), (self._claim, *chunk))

    def delete_queued_events(self) -> None:
        """Delete the events of this instance's last claim, which have been sent."""
        with self._connect() as connection:
            connection.execute("DELETE FROM `event` WHERE `pending_delete` = ?", (self._claim,))


def _chunks(ids: list[int]) -> Iterator[tuple[list[int], str]]:
    """The ids in chunks SQLite accepts as parameters, each with its `?,?,...` placeholder list."""
    size = constants.DATABASE_EVENT_CHUNK_SIZE
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ",".join("?" * len(chunk))
