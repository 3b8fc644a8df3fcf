"""The alert state machine (docs/design.md, Alert evaluation), decided from state, observation and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mymonit.domain.alert_states import AlertState, Observation, decide
from mymonit.domain.alerts import Comparison, Condition, Statistic

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ABOVE = Condition(Statistic.LAST, Comparison.ABOVE, 10.0, 5.0, 60, 30, 120)
BELOW = Condition(Statistic.LAST, Comparison.BELOW, 10.0, 15.0, 60, 0, None)
N, P, F, R, D = AlertState.NORMAL, AlertState.PENDING, AlertState.FIRING, AlertState.RESOLVED, AlertState.NO_DATA


def seen(value: float | None, ago: float = 1.0) -> Observation:
    return Observation(NOW - timedelta(seconds=ago), value)


@pytest.mark.parametrize(("state", "held", "observed", "expected"), [
    (N, 0, seen(11.0), P),  # crossed: pending, `for` is 30 s
    (N, 0, seen(10.0), N),  # at the threshold is not above it
    (P, 29, seen(11.0), P),
    (P, 30, seen(11.0), F),  # held for `for`
    (P, 10, seen(9.0), N),  # stopped holding before it fired
    (F, 100, seen(9.0), F),  # below the threshold, above clear: still firing
    (F, 100, seen(5.0), R),  # at clear: resolved
    (R, 100, seen(11.0), P),
    (R, 100, seen(3.0), R),
    (F, 100, seen(None), F),  # an empty window decides nothing
    (N, 0, seen(1.0, ago=121), D),  # silent for longer than no_data_after
    (F, 0, Observation(None, None), D),  # no measure at all
    (D, 500, seen(None, ago=90), N),  # measures again, if not in the window
    (D, 500, seen(11.0), P),
])
def test_transitions_of_an_above_rule(state: AlertState, held: float, observed: Observation,
                                      expected: AlertState) -> None:
    assert decide(ABOVE, state, NOW - timedelta(seconds=held), observed, NOW) is expected


def test_a_below_rule_without_for_fires_at_once_and_clears_at_or_above_clear() -> None:
    assert decide(BELOW, N, NOW, seen(9.0), NOW) is F
    assert decide(BELOW, F, NOW, seen(14.0), NOW) is F
    assert decide(BELOW, F, NOW, seen(15.0), NOW) is R


def test_without_no_data_after_silence_never_gives_no_data() -> None:
    assert decide(BELOW, F, NOW, Observation(None, None), NOW) is F


@given(st.lists(st.floats(min_value=-100, max_value=100), min_size=1, max_size=50))
def test_hysteresis_an_alert_fires_only_above_the_threshold_and_resolves_only_at_or_below_clear(
        values: list[float]) -> None:
    rule = Condition(Statistic.LAST, Comparison.ABOVE, 10.0, 5.0, 60, 0, None)
    state, since = N, NOW
    for value in values:
        after = decide(rule, state, since, seen(value), NOW)
        if after is F and state is not F:
            assert value > rule.threshold
        if state is F and after is not F:
            assert value <= rule.clear
        state = after
