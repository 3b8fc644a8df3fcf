"""The evaluator's side of the alert tables (implements `mymonit.alerting.ports.AlertStore`).

Every read of a cycle is grouped: the series' newest measures and their windows are read
`CHUNK` series at a time, each series a range of the (series_id, ts) index.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from mymonit.alerting.ports import RuleOnType, Target, Tracked, Transition, WindowStats
from mymonit.domain.alert_states import AlertState
from mymonit.domain.series import Labels
from mymonit.storage.alert_rules import MySqlAlertRuleRepository
from mymonit.storage.database import Database
from mymonit.storage.session import Connection

CHUNK = 500
T = TypeVar("T")

_TARGETS = ("SELECT s.series_id, s.experiment_id, s.type_id, s.sensor, s.tags FROM series s"
            " JOIN (SELECT DISTINCT experiment_id, type_id FROM alert_rules) r"
            " ON r.experiment_id = s.experiment_id AND r.type_id = s.type_id")
_TRACKED = "SELECT alert_id, rule_id, series_id, state, since, fired_at, last_value, version FROM alerts"
_NEWEST = ("SELECT m.series_id, m.ts, m.value FROM measures m JOIN"
           " (SELECT series_id, MAX(ts) AS ts FROM measures WHERE series_id IN ({}) AND ts <= %s GROUP BY series_id) x"
           " ON m.series_id = x.series_id AND m.ts = x.ts")
_WINDOWS = ("SELECT series_id, COUNT(*), SUM(value), MIN(value), MAX(value) FROM measures"
            " WHERE series_id IN ({}) AND ts > %s AND ts <= %s GROUP BY series_id")
_TAKE = ("UPDATE alerts SET state = %s, since = %s, fired_at = %s, last_value = %s, value_at = %s,"
         " version = version + 1 WHERE alert_id = %s AND version = %s")
_HISTORY = "INSERT INTO alert_history (alert_id, from_state, to_state, at, value) VALUES (%s, %s, %s, %s, %s)"
_OUTBOX = "INSERT IGNORE INTO alert_outbox (idempotency_key, url, body) VALUES (%s, %s, %s)"


def stored(moment: datetime) -> datetime:
    """The naive UTC time a DATETIME column holds (the connections' time zone is UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(count: int) -> str:
    return ",".join(["%s"] * count)


def _tracked(row: tuple[Any, ...]) -> Tracked:
    return Tracked(int(row[0]), int(row[1]), int(row[2]), AlertState(row[3]), aware(row[4]),
                   None if row[5] is None else aware(row[5]), row[6], int(row[7]))


class MySqlAlertStore:
    def __init__(self, database: Database, rules: MySqlAlertRuleRepository) -> None:
        self._db = database
        self._rules = rules

    def rules(self) -> list[RuleOnType]:
        return [RuleOnType(rule, type_id) for rule, type_id in self._rules.with_type_ids()]

    def targets(self) -> list[Target]:
        rows = self._db.run(lambda c: c.fetch_all(_TARGETS))
        return [Target(int(r[0]), int(r[1]), int(r[2]), Labels(r[3], r[4])) for r in rows]

    def track(self, pairs: Collection[tuple[int, int]], now: datetime) -> list[Tracked]:
        def work(connection: Connection) -> list[Tracked]:
            found = [_tracked(row) for row in connection.fetch_all(_TRACKED)]
            known = {(a.rule_id, a.series_id): a.alert_id for a in found}
            missing = sorted(set(pairs) - set(known))
            stale = sorted(alert_id for pair, alert_id in known.items() if pair not in pairs)
            at = stored(now)
            for part in chunks(missing):
                values = ",".join(["(%s, %s, %s, %s)"] * len(part))
                params = tuple(v for rule_id, series_id in part for v in (rule_id, series_id, at, at))
                connection.execute(f"INSERT IGNORE INTO alerts (rule_id, series_id, since, value_at) VALUES {values}",  # noqa: S608  # nosec B608  # placeholders only
                                   params)
            for gone in chunks(stale):
                connection.execute(f"DELETE FROM alerts WHERE alert_id IN ({marks(len(gone))})", tuple(gone))  # noqa: S608  # nosec B608
            if not missing and not stale:
                return found
            return [_tracked(row) for row in connection.fetch_all(_TRACKED)]

        return self._db.run(work)

    def newest(self, series_ids: Sequence[int], now: datetime) -> dict[int, tuple[datetime, float]]:
        found: dict[int, tuple[datetime, float]] = {}
        for part in chunks(series_ids):
            for series_id, ts, value in self._read(_NEWEST.format(marks(len(part))), (*part, stored(now))):
                found.setdefault(int(series_id), (aware(ts), float(value)))
        return found

    def windows(self, series_ids: Sequence[int], start: datetime, now: datetime) -> dict[int, WindowStats]:
        found: dict[int, WindowStats] = {}
        for part in chunks(series_ids):
            rows = self._read(_WINDOWS.format(marks(len(part))), (*part, stored(start), stored(now)))
            for series_id, count, total, low, high in rows:
                found[int(series_id)] = WindowStats(int(count), float(total), float(low), float(high))
        return found

    def take(self, transition: Transition) -> bool:
        alert, at = transition.alert, stored(transition.at)
        fired_at = at if transition.to is AlertState.FIRING else (alert.fired_at and stored(alert.fired_at))

        def work(connection: Connection) -> bool:
            with connection.transaction() as cursor:
                cursor.execute(_TAKE, (transition.to.value, at, fired_at, transition.value, at, alert.alert_id,
                                       alert.version))
                if cursor.rowcount != 1:
                    return False
                cursor.execute(_HISTORY, (alert.alert_id, alert.state.value, transition.to.value, at, transition.value))
                note = transition.notification
                if note is not None:
                    cursor.execute(_OUTBOX, (note.key, note.url, note.body.decode()))
                return True

        # Not retried: a commit whose answer was lost is not taken twice, and the next cycle decides again.
        return self._db.run(work, retry=False)

    def refresh(self, values: Mapping[int, float | None], now: datetime) -> None:
        ids = sorted(values)
        for part in chunks(ids):
            cases = " ".join(["WHEN %s THEN %s"] * len(part))
            sql = (f"UPDATE alerts SET last_value = CASE alert_id {cases} END, value_at = %s"  # noqa: S608  # nosec B608
                   f" WHERE alert_id IN ({marks(len(part))})")
            params = (*(v for alert_id in part for v in (alert_id, values[alert_id])), stored(now), *part)
            self._write(sql, params)

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self._db.run(lambda c: c.fetch_all(sql, params))

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._db.run(lambda c: c.execute(sql, params))
