"""Which series a rule applies to: its experiment and measure type, its sensor, every tag it names."""

from __future__ import annotations

import dataclasses

from mymonit.alerting.matching import pairs
from mymonit.alerting.ports import RuleOnType, Target
from mymonit.domain.alerts import AlertRule
from mymonit.domain.series import Labels, Selector
from tests.unit.builders import HERTZ, NEWTON, a_rule_spec

TARGETS = [
    Target(1, 1, HERTZ.type_id, Labels()),
    Target(2, 1, HERTZ.type_id, Labels("north", '{"floor":"2","site":"a"}')),
    Target(3, 1, HERTZ.type_id, Labels("south", '{"site":"a"}')),
    Target(4, 1, NEWTON.type_id, Labels("north")),
    Target(5, 2, HERTZ.type_id, Labels("north")),
]


def matched(selector: Selector) -> list[int]:
    rule = AlertRule(1, dataclasses.replace(a_rule_spec(experiment_id=1), selector=selector), "S001")
    return [target.series_id for _, target in pairs([RuleOnType(rule, HERTZ.type_id)], TARGETS)]


def test_no_selector_applies_to_every_series_of_the_experiment_and_type() -> None:
    assert matched(Selector()) == [1, 2, 3]


def test_a_sensor_narrows_to_its_series() -> None:
    assert matched(Selector("north")) == [2]


def test_every_tag_named_must_match_and_a_series_may_carry_more() -> None:
    assert matched(Selector(None, (("site", "a"),))) == [2, 3]
    assert matched(Selector(None, (("floor", "2"), ("site", "a")))) == [2]
    assert matched(Selector("south", (("floor", "2"),))) == []
