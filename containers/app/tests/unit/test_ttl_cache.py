"""TtlCache: remembers for ttl seconds, never with ttl 0, never remembers a failure."""

from __future__ import annotations

import pytest

from mymonit.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Loader:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, key: str) -> str:
        self.calls.append(key)
        if key == "bad":
            raise LookupError(key)
        return key.upper()


@pytest.mark.parametrize(("ttl", "elapsed", "loads"), [
    (5.0, 0.0, 1), (5.0, 4.9, 1), (5.0, 5.0, 2), (0.0, 0.0, 2),
])
def test_a_value_is_loaded_again_only_once_it_has_expired(ttl: float, elapsed: float, loads: int) -> None:
    clock, load = Clock(), Loader()
    cache: TtlCache[str, str] = TtlCache(ttl, clock=clock)

    assert cache.get("uid", load) == "UID"
    clock.now += elapsed
    assert cache.get("uid", load) == "UID"

    assert len(load.calls) == loads


def test_a_failed_load_is_not_remembered() -> None:
    load = Loader()
    cache: TtlCache[str, str] = TtlCache(60.0, clock=Clock())

    for _ in range(2):
        with pytest.raises(LookupError):
            cache.get("bad", load)

    assert load.calls == ["bad", "bad"]


def test_a_full_cache_starts_afresh_instead_of_growing() -> None:
    load = Loader()
    cache: TtlCache[str, str] = TtlCache(60.0, size=2, clock=Clock())

    for key in ("a", "b", "c", "a"):
        cache.get(key, load)

    assert load.calls == ["a", "b", "c", "a"]
