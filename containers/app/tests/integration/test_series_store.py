"""The consumer's series store on MariaDB: the same labels are one series, the limit is never passed."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from mymonit.container import Container
from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.ingest.errors import SeriesLimitReached

HERTZ, NEWTON = 10, 11


@pytest.fixture
def experiment_id(container: Container) -> int:
    return container.experiment_repository().add(f"series-{secrets.token_hex(5)}").experiment_id


def test_the_same_labels_resolve_to_the_same_series_and_other_labels_to_new_ones(
    container: Container, experiment_id: int,
) -> None:
    store = container.series_store()
    wanted = [(HERTZ, DEFAULT_LABELS), (HERTZ, Labels("north")), (NEWTON, Labels("north"))]

    first = store.ensure(experiment_id, wanted, limit=10)

    assert len(set(first)) == 3
    assert store.ensure(experiment_id, list(reversed(wanted)), limit=3) == list(reversed(first))


def test_series_past_the_limit_are_refused_all_together(container: Container, experiment_id: int) -> None:
    store = container.series_store()
    store.ensure(experiment_id, [(HERTZ, Labels("a"))], limit=2)

    with pytest.raises(SeriesLimitReached):
        store.ensure(experiment_id, [(HERTZ, Labels("b")), (HERTZ, Labels("c"))], limit=2)

    count = container.database().run(lambda c: c.fetch_all(
        "SELECT COUNT(*) FROM series WHERE experiment_id = %s", (experiment_id,)))
    assert count == [(1,)]


def test_concurrent_creators_never_take_an_experiment_past_its_limit(container: Container, experiment_id: int) -> None:
    store = container.series_store()

    def create(n: int) -> bool:
        try:
            store.ensure(experiment_id, [(HERTZ, Labels(f"sensor-{n}"))], limit=5)
        except SeriesLimitReached:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(create, range(16)))

    assert created.count(True) == 5
    count = container.database().run(lambda c: c.fetch_all(
        "SELECT COUNT(*) FROM series WHERE experiment_id = %s", (experiment_id,)))
    assert count == [(5,)]
