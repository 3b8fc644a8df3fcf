"""The API's side of the alert tables (implements `mymonit.services.ports.AlertReader`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.series import Labels
from mymonit.storage.database import Database
from mymonit.storage.sql import from_db, placeholders

_SELECT = (
    "SELECT a.alert_id, r.rule_id, r.name, r.experiment_id, r.severity, t.name, s.series_id, s.sensor, s.tags,"
    " a.state, a.since, a.fired_at, a.last_value, a.value_at FROM alerts a"
    " JOIN alert_rules r ON r.rule_id = a.rule_id JOIN measure_types t ON t.type_id = r.type_id"
    " JOIN series s ON s.series_id = a.series_id"
)
_HISTORY = "SELECT history_id, from_state, to_state, at, value FROM alert_history WHERE alert_id = %s"
_FIRING = ("SELECT r.experiment_id, r.severity, COUNT(*) FROM alerts a JOIN alert_rules r ON r.rule_id = a.rule_id"
           " WHERE a.state = 'firing' GROUP BY r.experiment_id, r.severity")


def _alert(row: tuple[Any, ...]) -> AlertView:
    return AlertView(int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]), str(row[5]), int(row[6]),
                     Labels(row[7], row[8]), AlertState(row[9]), from_db(row[10]),
                     None if row[11] is None else from_db(row[11]), row[12], from_db(row[13]))


class MySqlAlertReader:
    def __init__(self, database: Database) -> None:
        self._db = database

    def alerts(self, experiment_ids: Collection[int], state: AlertState | None, after: int,
               limit: int) -> list[AlertView]:
        where = f" WHERE r.experiment_id IN ({placeholders(len(experiment_ids))}) AND a.alert_id > %s"
        params: tuple[Any, ...] = (*experiment_ids, after)
        if state is not None:
            where += " AND a.state = %s"
            params += (state.value,)
        sql = _SELECT + where + " ORDER BY a.alert_id LIMIT %s"
        return [_alert(row) for row in self._db.run(lambda c: c.fetch_all(sql, (*params, limit)))]

    def by_id(self, alert_id: int) -> AlertView | None:
        rows = self._db.run(lambda c: c.fetch_all(_SELECT + " WHERE a.alert_id = %s", (alert_id,)))
        return _alert(rows[0]) if rows else None

    def history(self, alert_id: int, before: int | None, limit: int) -> list[HistoryEntry]:
        sql, params = _HISTORY, [alert_id]
        if before is not None:
            sql, params = sql + " AND history_id < %s", [alert_id, before]
        rows = self._db.run(lambda c: c.fetch_all(sql + " ORDER BY history_id DESC LIMIT %s", (*params, limit)))
        return [HistoryEntry(int(r[0]), AlertState(r[1]), AlertState(r[2]), from_db(r[3]), r[4]) for r in rows]

    def firing(self) -> dict[tuple[int, str], int]:
        return {(int(e), str(s)): int(n) for e, s, n in self._db.run(lambda c: c.fetch_all(_FIRING))}
