"""The series backfill ends even while an older consumer keeps storing into series 0 (docs/design.md,
"Series"): each pass moves at most what it started with, and another pass runs only while gaining."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest

from mymonit.storage import series_backfill


class _SeriesZero:
    """A connection to a measures table whose series 0 an older consumer refills by `stored_per_chunk`
    rows a chunk, until it has stored `stored_most` (then it is stopped)."""

    def __init__(self, rows: int, stored_per_chunk: int, stored_most: int = 10**9) -> None:
        self.rows, self.stored_per_chunk, self.stored_left, self.chunks = rows, stored_per_chunk, stored_most, 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if sql is not series_backfill._MOVE:
            return 0
        moved = min(self.rows, int(params[0]))
        stored = min(self.stored_per_chunk, self.stored_left)
        self.rows, self.stored_left = self.rows + stored - moved, self.stored_left - stored
        self.chunks += 1
        return moved

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        answers: dict[str, list[tuple[Any, ...]]] = {
            series_backfill._LEFT: [(self.rows,)],
            series_backfill._PENDING_DEFAULTS: [],  # the default series: none exist before the move
            series_backfill._ROLLUPS_EXIST: [(0,)],  # as at migration 0004, before the rollups
        }
        assert params == ()
        return answers[sql]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(series_backfill, "CHUNK_ROWS", 10)


def test_a_quiet_table_is_moved_whole_in_one_pass() -> None:
    table = _SeriesZero(rows=95, stored_per_chunk=0)
    assert series_backfill.backfill_series(table) == 95  # type: ignore[arg-type]
    assert (table.rows, table.chunks) == (0, 10)


def test_rows_stored_meanwhile_slower_than_moved_are_caught_up() -> None:
    table = _SeriesZero(rows=100, stored_per_chunk=3, stored_most=40)
    assert series_backfill.backfill_series(table) == 140  # type: ignore[arg-type]
    assert table.rows == 0


def test_a_consumer_storing_as_fast_as_the_backfill_moves_does_not_keep_it_running(
        caplog: pytest.LogCaptureFixture) -> None:
    table = _SeriesZero(rows=100, stored_per_chunk=10)
    with caplog.at_level(logging.WARNING, logger=series_backfill.__name__):
        moved = series_backfill.backfill_series(table)  # type: ignore[arg-type]
    assert moved == 100  # one pass of what it began with, then it stops: the next would not gain
    assert table.rows == 100
    assert "`mymonit db backfill-series` moves them" in caplog.text
