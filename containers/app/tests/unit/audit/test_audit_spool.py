"""The shared spool: each sender claims its own rows, so no event is lost or sent twice.

Two `ClaimingSpool` instances on one SQLite file stand for two processes (API workers) that
share MYMONIT_LOG_SPOOL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from logstash_async.constants import constants

from mymonit.audit import spool
from mymonit.audit.spool import ClaimingSpool

BATCH = 3


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "QUEUED_EVENTS_BATCH_SIZE", BATCH)
    monkeypatch.setattr(constants, "DATABASE_EVENT_CHUNK_SIZE", 2)  # claims span several chunks


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "spool.db")


def filled(path: str, count: int) -> ClaimingSpool:
    first = ClaimingSpool(path)
    for n in range(count):
        first.add_event(f"event-{n}")
    return first


def texts(rows: list[sqlite3.Row]) -> list[str]:
    return [row["event_text"] for row in rows]


def remaining(path: str) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT event_text, pending_delete FROM event ORDER BY event_id").fetchall()
    connection.close()
    return [(text, mark) for text, mark in rows]


def test_two_senders_claim_disjoint_batches_oldest_first(path: str) -> None:
    first, second = filled(path, 5), ClaimingSpool(path)

    assert texts(first.get_queued_events()) == ["event-0", "event-1", "event-2"]
    assert texts(second.get_queued_events()) == ["event-3", "event-4"]
    assert second.get_queued_events() == []


def test_a_sender_deletes_only_the_rows_it_claimed(path: str) -> None:
    first, second = filled(path, 5), ClaimingSpool(path)
    first.get_queued_events()
    second.get_queued_events()

    first.delete_queued_events()

    assert [text for text, _ in remaining(path)] == ["event-3", "event-4"]


def test_a_failed_send_releases_its_rows_for_any_sender(path: str) -> None:
    first, second = filled(path, 4), ClaimingSpool(path)
    claimed = second.get_queued_events()

    second.requeue_queued_events(claimed)

    assert texts(first.get_queued_events()) == ["event-0", "event-1", "event-2"]
    assert texts(second.get_queued_events()) == ["event-3"]


def test_a_release_never_frees_rows_another_sender_has_claimed_since(path: str) -> None:
    first, second = filled(path, 2), ClaimingSpool(path)
    stale_view = first.get_queued_events()
    first.requeue_queued_events(stale_view)
    second.get_queued_events()

    first.requeue_queued_events(stale_view)

    assert first.get_queued_events() == []


def test_claims_are_unique_even_when_the_clock_stands_still(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    first, second = filled(path, 6), ClaimingSpool(path)
    first.get_queued_events()
    second.get_queued_events()

    first.delete_queued_events()

    assert [text for text, _ in remaining(path)] == ["event-3", "event-4", "event-5"]


def test_a_recent_claim_is_respected_and_an_abandoned_one_taken_over(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead, survivor = filled(path, 2), ClaimingSpool(path)
    dead.get_queued_events()  # then its process is killed before it sends or deletes

    assert survivor.get_queued_events() == []
    monkeypatch.setattr(spool, "CLAIM_TIMEOUT", 0.0)
    assert texts(survivor.get_queued_events()) == ["event-0", "event-1"]


def test_rows_left_marked_by_the_stock_library_are_sent_again(path: str) -> None:
    filled(path, 2)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE event SET pending_delete = 1")
    connection.close()

    assert texts(ClaimingSpool(path).get_queued_events()) == ["event-0", "event-1"]


def test_unclaimed_rows_count_as_not_yet_flushed(path: str) -> None:
    first = filled(path, 5)
    first.get_queued_events()

    assert first.get_non_flushed_event_count() == 2
