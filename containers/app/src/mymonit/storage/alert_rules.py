"""Alert rules in MySQL; a rule's measure type is stored by id and read back by name."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

import mysql.connector

from mymonit.domain.alerts import AlertRule, Comparison, Condition, RuleSpec, Severity, Statistic
from mymonit.domain.errors import DuplicateAlertRule
from mymonit.domain.series import Selector, canonical_tags
from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import duplicate_key, placeholders

_COLUMNS = ("experiment_id", "type_id", "name", "sensor", "tags", "statistic", "comparison", "threshold",
            "clear_threshold", "window_seconds", "for_seconds", "no_data_seconds", "severity", "webhook_url")
_SELECT = (
    "SELECT r.rule_id, r.name, r.experiment_id, t.name, r.sensor, r.tags, r.statistic, r.comparison, r.threshold,"
    " r.clear_threshold, r.window_seconds, r.for_seconds, r.no_data_seconds, r.severity, r.webhook_url,"
    " r.created_by, r.type_id FROM alert_rules r JOIN measure_types t ON t.type_id = r.type_id"
)


def _rule(row: tuple[Any, ...]) -> AlertRule:
    condition = Condition(Statistic(row[6]), Comparison(row[7]), float(row[8]), float(row[9]), int(row[10]),
                          int(row[11]), None if row[12] is None else int(row[12]))
    tags = tuple(sorted(json.loads(row[5]).items()))
    spec = RuleSpec(str(row[1]), int(row[2]), str(row[3]), Selector(row[4], tags), condition, Severity(row[13]),
                    row[14])
    return AlertRule(int(row[0]), spec, str(row[15]))


def _values(spec: RuleSpec, type_id: int) -> tuple[Any, ...]:
    c = spec.condition
    return (spec.experiment_id, type_id, spec.name, spec.selector.sensor, canonical_tags(dict(spec.selector.tags)),
            c.statistic.value, c.comparison.value, c.threshold, c.clear, c.window_seconds, c.for_seconds,
            c.no_data_seconds, spec.severity.value, spec.webhook_url)


class MySqlAlertRuleRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self, experiment_ids: Collection[int] | None) -> list[AlertRule]:
        if experiment_ids is not None and not experiment_ids:
            return []
        chosen = "" if experiment_ids is None else f" WHERE r.experiment_id IN ({placeholders(len(experiment_ids))})"
        sql = _SELECT + chosen + " ORDER BY r.rule_id"
        rows = self._db.run(lambda c: c.fetch_all(sql, tuple(experiment_ids or ())))
        return [_rule(row) for row in rows]

    def with_type_ids(self) -> list[tuple[AlertRule, int]]:
        """Every rule, with its measure type's id (the evaluator matches series by it)."""
        rows = self._db.run(lambda c: c.fetch_all(_SELECT + " ORDER BY r.rule_id"))
        return [(_rule(row), int(row[16])) for row in rows]

    def by_id(self, rule_id: int) -> AlertRule | None:
        rows = self._db.run(lambda c: c.fetch_all(_SELECT + " WHERE r.rule_id = %s", (rule_id,)))
        return _rule(rows[0]) if rows else None

    def add(self, spec: RuleSpec, type_id: int, created_by: str) -> AlertRule:
        sql = (f"INSERT INTO alert_rules ({', '.join(_COLUMNS)}, created_by)"  # noqa: S608  # nosec B608
               f" VALUES ({', '.join(['%s'] * (len(_COLUMNS) + 1))})")

        def work(connection: Connection) -> int:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, (*_values(spec, type_id), created_by))
                return int(cursor.lastrowid or 0)
            finally:
                cursor.close()

        return AlertRule(self._refusing_duplicates(lambda: self._db.run(work, retry=False)), spec, created_by)

    def replace(self, rule_id: int, spec: RuleSpec, type_id: int) -> None:
        sql = f"UPDATE alert_rules SET {', '.join(f'{c} = %s' for c in _COLUMNS)} WHERE rule_id = %s"  # noqa: S608  # nosec B608
        self._refusing_duplicates(lambda: self._db.run(lambda c: c.execute(sql, (*_values(spec, type_id), rule_id))))

    def delete(self, rule_id: int) -> None:
        self._db.run(lambda c: c.execute("DELETE FROM alert_rules WHERE rule_id = %s", (rule_id,)))

    @staticmethod
    def _refusing_duplicates(write: Callable[[], int]) -> int:
        try:
            return write()
        except mysql.connector.IntegrityError as error:
            if duplicate_key(error):
                raise DuplicateAlertRule from error
            raise
