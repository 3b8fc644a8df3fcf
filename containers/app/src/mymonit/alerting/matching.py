"""Which series each rule applies to: the rule's experiment and measure type, its sensor if it
names one, and every tag it names (a series may carry more)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence

from mymonit.alerting.ports import RuleOnType, Target
from mymonit.domain.series import Selector

_Group = tuple[int, int]  # (experiment id, type id)


class SeriesIndex:
    """The targets indexed so that matching 10,000 rules against 10,000 series stays linear: a
    rule naming a sensor looks only at that sensor's series, one naming tags at one tag's."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self._by_group: dict[_Group, list[Target]] = defaultdict(list)
        self._by_sensor: dict[tuple[int, int, str], list[Target]] = defaultdict(list)
        self._by_tag: dict[tuple[int, int, str, str], list[Target]] = defaultdict(list)
        self._tags: dict[int, dict[str, str]] = {}
        for target in targets:
            group = (target.experiment_id, target.type_id)
            self._by_group[group].append(target)
            if target.labels.sensor is not None:
                self._by_sensor[(*group, target.labels.sensor)].append(target)
            tags = json.loads(target.labels.tags)
            self._tags[target.series_id] = tags
            for key, value in tags.items():
                self._by_tag[(*group, key, value)].append(target)

    def matching(self, group: _Group, chosen: Selector) -> Iterator[Target]:
        if chosen.sensor is not None:
            candidates = self._by_sensor.get((*group, chosen.sensor), [])
        elif chosen.tags:
            candidates = self._by_tag.get((*group, *chosen.tags[0]), [])
        else:
            candidates = self._by_group.get(group, [])
        for target in candidates:
            tags = self._tags[target.series_id]
            if all(tags.get(key) == value for key, value in chosen.tags):
                yield target


def pairs(rules: Sequence[RuleOnType], targets: Sequence[Target]) -> list[tuple[RuleOnType, Target]]:
    index = SeriesIndex(targets)
    return [(rule, target) for rule in rules
            for target in index.matching((rule.rule.spec.experiment_id, rule.type_id), rule.rule.spec.selector)]
