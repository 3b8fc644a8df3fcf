"""AlertRuleRepository (services/ports.py): the fake and MySqlAlertRuleRepository keep the same contract.

A rule's measure type is stored by id and read back by its name; names are unique per experiment
and compare as the column's collation does; a rule goes with its experiment.
"""

from __future__ import annotations

import dataclasses

import pytest

from mymonit.domain.alerts import Comparison, Condition, Severity, Statistic
from mymonit.domain.errors import DuplicateAlertRule
from mymonit.domain.model import Experiment
from mymonit.domain.series import Selector
from tests.integration.contracts.contract_world import Storage
from tests.unit.builders import HERTZ, NEWTON, a_rule_spec


@pytest.fixture
def vibrations(storage: Storage) -> Experiment:
    return storage.experiments.add("device-vibrations")


def test_a_rule_added_gets_a_new_id_and_is_read_back_whole(storage: Storage, vibrations: Experiment) -> None:
    spec = dataclasses.replace(
        a_rule_spec(experiment_id=vibrations.experiment_id, measure=NEWTON.name),
        selector=Selector("north", (("floor", "2"), ("site", "a"))),
        condition=Condition(Statistic.LAST, Comparison.BELOW, -1.5, 0.25, 300, 0, 600),
        severity=Severity.CRITICAL, webhook_url="https://hooks.example.org/a?b=c",
    )

    first = storage.alert_rules.add(spec, NEWTON.type_id, "S001")
    second = storage.alert_rules.add(dataclasses.replace(spec, name="other"), NEWTON.type_id, "S002")

    assert 0 < first.rule_id < second.rule_id
    assert storage.alert_rules.by_id(first.rule_id) == first
    assert (first.spec, first.created_by) == (spec, "S001")


def test_the_measure_type_is_read_back_by_the_name_of_its_id(storage: Storage, vibrations: Experiment) -> None:
    added = storage.alert_rules.add(a_rule_spec(experiment_id=vibrations.experiment_id), NEWTON.type_id, "S001")

    found = storage.alert_rules.by_id(added.rule_id)
    assert found is not None
    assert found.spec.measure_type == NEWTON.name


def test_rules_are_listed_in_id_order_for_the_experiments_asked(storage: Storage, vibrations: Experiment) -> None:
    holes = storage.experiments.add("black-holes")
    rules = [storage.alert_rules.add(a_rule_spec(f"r{i}", experiment.experiment_id), HERTZ.type_id, "S001")
             for i, experiment in enumerate((holes, vibrations, holes))]

    assert storage.alert_rules.all(None) == rules
    assert storage.alert_rules.all([holes.experiment_id]) == [rules[0], rules[2]]
    assert storage.alert_rules.all([]) == []


def test_a_name_is_unique_within_an_experiment_whatever_its_case(storage: Storage, vibrations: Experiment) -> None:
    holes = storage.experiments.add("black-holes")
    storage.alert_rules.add(a_rule_spec("too-hot", vibrations.experiment_id), HERTZ.type_id, "S001")

    with pytest.raises(DuplicateAlertRule):
        storage.alert_rules.add(a_rule_spec("Too-Hot", vibrations.experiment_id), HERTZ.type_id, "S001")
    storage.alert_rules.add(a_rule_spec("too-hot", holes.experiment_id), HERTZ.type_id, "S001")


def test_a_replaced_rule_keeps_its_id_and_author(storage: Storage, vibrations: Experiment) -> None:
    rule = storage.alert_rules.add(a_rule_spec(experiment_id=vibrations.experiment_id), HERTZ.type_id, "S001")
    other = storage.alert_rules.add(a_rule_spec("other", vibrations.experiment_id), HERTZ.type_id, "S001")
    changed = a_rule_spec("renamed", vibrations.experiment_id, measure=NEWTON.name, threshold=3.0)

    storage.alert_rules.replace(rule.rule_id, changed, NEWTON.type_id)

    assert storage.alert_rules.by_id(rule.rule_id) == dataclasses.replace(rule, spec=changed)
    with pytest.raises(DuplicateAlertRule):
        storage.alert_rules.replace(other.rule_id, changed, NEWTON.type_id)


def test_a_deleted_rule_is_gone_and_an_experiments_rules_go_with_it(storage: Storage, vibrations: Experiment) -> None:
    first = storage.alert_rules.add(a_rule_spec("a", vibrations.experiment_id), HERTZ.type_id, "S001")
    storage.alert_rules.add(a_rule_spec("b", vibrations.experiment_id), HERTZ.type_id, "S001")

    storage.alert_rules.delete(first.rule_id)
    assert storage.alert_rules.by_id(first.rule_id) is None
    storage.experiments.delete(vibrations.experiment_id)
    assert storage.alert_rules.all(None) == []
