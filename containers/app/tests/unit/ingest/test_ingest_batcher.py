"""The pure batcher: a batch closes on size or on age, never splits a message, and forgets what it hands out."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mymonit.ingest.batcher import Batcher, Delivery

MAX_ROWS = 3
MAX_AGE = 0.05


def delivery(tag: int, rows: int = 1) -> Delivery[int]:
    return Delivery(tag, b"{}", list(range(rows)))


@dataclass(frozen=True)
class Case:
    arrivals: list[tuple[float, int]]  # (time, rows) of each message
    now: float
    due: bool


CASES = {
    "nothing received: never due": Case([], 10.0, due=False),
    "one message, young: not due": Case([(0.0, 1)], 0.01, due=False),
    "one message, exactly max age: due": Case([(0.0, 1)], MAX_AGE, due=True),
    "one message, older than max age: due": Case([(0.0, 1)], 1.0, due=True),
    "age counts from the first message": Case([(0.0, 1), (0.04, 1)], 0.05, due=True),
    "full by rows: due at once": Case([(0.0, 1), (0.0, 1), (0.0, 1)], 0.0, due=True),
    "one row short of full: not due": Case([(0.0, 1), (0.0, 1)], 0.0, due=False),
    "one large message fills it alone": Case([(0.0, 7)], 0.0, due=True),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_batch_is_due_when_full_or_old_enough(case: Case) -> None:
    batcher: Batcher[int] = Batcher(MAX_ROWS, MAX_AGE)
    for tag, (moment, rows) in enumerate(case.arrivals, start=1):
        batcher.add(delivery(tag, rows), moment)

    assert batcher.is_due(case.now) is case.due


def test_taking_a_batch_hands_over_its_deliveries_rows_and_last_tag_and_starts_afresh() -> None:
    batcher: Batcher[int] = Batcher(MAX_ROWS, MAX_AGE)
    batcher.add(delivery(7, rows=2), 1.0)
    batcher.add(delivery(8, rows=0), 1.01)  # a poison message: acked with the batch, no rows

    batch = batcher.take()

    assert batch is not None
    assert [d.tag for d in batch.deliveries] == [7, 8]
    assert batch.rows == [0, 1]
    assert batch.last_tag == 8
    assert batch.opened_at == 1.0
    assert batcher.take() is None
    assert len(batcher) == 0
    assert not batcher.is_due(100.0)


def test_a_new_batch_ages_from_its_own_first_message() -> None:
    batcher: Batcher[int] = Batcher(MAX_ROWS, MAX_AGE)
    batcher.add(delivery(1), 0.0)
    batcher.take()
    batcher.add(delivery(2), 10.0)

    assert not batcher.is_due(10.01)
    assert batcher.is_due(10.05)
