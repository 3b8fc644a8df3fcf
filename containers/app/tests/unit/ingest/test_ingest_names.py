"""Names to ids: new experiments are learned on their first message, unknown ones cost at most one reload a second."""

from __future__ import annotations

import pytest

from mymonit.ingest.errors import PoisonMessage, Reason
from mymonit.ingest.names import NameResolver, Names


class FakeNames:
    """A NameSource over a dict that tests change, counting loads."""

    def __init__(self) -> None:
        self.experiments = {"device-vibrations": 1}
        self.types = {"hertz": 10}
        self.loads = 0

    def load(self) -> Names:
        self.loads += 1
        return Names(dict(self.experiments), dict(self.types))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def source() -> FakeNames:
    return FakeNames()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def resolver(source: FakeNames, clock: Clock) -> NameResolver:
    return NameResolver(source, clock, reload_seconds=1.0)


def test_known_names_resolve_from_one_load(resolver: NameResolver, source: FakeNames) -> None:
    assert resolver.ids("device-vibrations", "hertz") == (1, 10)
    assert resolver.ids("device-vibrations", "hertz") == (1, 10)
    assert source.loads == 1


def test_an_experiment_created_after_the_load_is_found_on_its_first_message(
        resolver: NameResolver, source: FakeNames) -> None:
    resolver.ids("device-vibrations", "hertz")
    source.experiments["black-holes"] = 2

    assert resolver.ids("black-holes", "hertz") == (2, 10)
    assert source.loads == 2


def test_an_unknown_experiment_is_poison_and_reloads_at_most_once_a_second(
        resolver: NameResolver, source: FakeNames, clock: Clock) -> None:
    for _ in range(50):
        with pytest.raises(PoisonMessage) as caught:
            resolver.ids("nowhere", "hertz")
        assert caught.value.reason is Reason.UNKNOWN_EXPERIMENT
    assert source.loads == 2  # the first load, then one reload for the miss

    clock.now += 1.0
    source.experiments["nowhere"] = 3
    assert resolver.ids("nowhere", "hertz") == (3, 10)
    assert source.loads == 3


def test_a_remembered_miss_does_not_stop_another_new_name_from_being_learned(
        resolver: NameResolver, source: FakeNames) -> None:
    with pytest.raises(PoisonMessage):
        resolver.ids("nowhere", "hertz")
    source.experiments["black-holes"] = 2

    assert resolver.ids("black-holes", "hertz") == (2, 10)


def test_an_unknown_measure_type_is_poison_with_its_own_reason(resolver: NameResolver) -> None:
    with pytest.raises(PoisonMessage) as caught:
        resolver.ids("device-vibrations", "furlong")

    assert caught.value.reason is Reason.UNKNOWN_MEASURE


def test_an_unknown_name_is_not_quoted_in_the_reason_which_the_audit_trail_carries(resolver: NameResolver) -> None:
    with pytest.raises(PoisonMessage) as caught:
        resolver.ids("Quillon the canary", "hertz")

    assert "Quillon" not in str(caught.value)
