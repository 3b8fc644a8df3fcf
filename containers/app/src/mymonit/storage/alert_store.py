"""The evaluator's side of the alert tables (implements `mymonit.alerting.ports.AlertStore`).

Every read of a cycle is grouped: the series' newest measures and their windows are read
`CHUNK` series at a time, each series a range of the (series_id, ts) index.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from mymonit.alerting.ports import RuleOnType, Target, Tracked, Transition, WindowStats
from mymonit.domain.alert_states import AlertState
from mymonit.domain.series import Labels
from mymonit.storage.alert_rules import MySqlAlertRuleRepository
from mymonit.storage.database import Database
from mymonit.storage.session import Connection
from mymonit.storage.sql import chunks, from_db, placeholders, to_db

CHUNK = 500
READERS = 3  # of the pool's DB_POOL_SIZE connections (8 by default)

_TARGETS = ("SELECT series_id, experiment_id, type_id, sensor, tags FROM series"
            " WHERE (experiment_id, type_id) IN ({})")
# Changes whenever a rule is added, edited or deleted (ids only grow; an edit moves updated_at).
_RULES_VERSION = "SELECT COUNT(*), MAX(updated_at), SUM(rule_id) FROM alert_rules"
# Changes whenever a series is made (ids only grow) or goes with its experiment.
_SERIES_VERSION = "SELECT COUNT(*), MAX(series_id) FROM series"
_TRACKED = "SELECT alert_id, rule_id, series_id, state, since, fired_at, last_value, value_at, version FROM alerts"
# Each series' newest measure is one backward step of the (series_id, ts) index, however long its
# history: a grouped MAX(ts) over an IN list would read every row of every series instead.
_NEWEST = ("SELECT s.series_id, m.ts, m.value FROM series s JOIN measures m ON m.series_id = s.series_id AND m.ts ="
           " (SELECT x.ts FROM measures x WHERE x.series_id = s.series_id AND x.ts <= %s ORDER BY x.ts DESC LIMIT 1)"
           " WHERE s.series_id IN ({})")
_WINDOWS = ("SELECT series_id, COUNT(*), SUM(value), MIN(value), MAX(value) FROM measures"
            " WHERE series_id IN ({}) AND ts > %s AND ts <= %s GROUP BY series_id")
_TAKE = ("UPDATE alerts SET state = %s, since = %s, fired_at = %s, last_value = %s, value_at = %s,"
         " version = version + 1 WHERE alert_id = %s AND version = %s")
_HISTORY = "INSERT INTO alert_history (alert_id, from_state, to_state, at, value) VALUES (%s, %s, %s, %s, %s)"
_OUTBOX = "INSERT IGNORE INTO alert_outbox (idempotency_key, url, body) VALUES (%s, %s, %s)"


def _tracked(row: tuple[Any, ...]) -> Tracked:
    return Tracked(int(row[0]), int(row[1]), int(row[2]), AlertState(row[3]), from_db(row[4]),
                   None if row[5] is None else from_db(row[5]), row[6], from_db(row[7]), int(row[8]))


class MySqlAlertStore:
    def __init__(self, database: Database, rules: MySqlAlertRuleRepository) -> None:
        self._db = database
        self._rules = rules
        self._known_rules: tuple[tuple[Any, ...], list[RuleOnType]] | None = None
        self._known_targets: tuple[tuple[Any, ...], Sequence[RuleOnType], list[Target]] | None = None
        self._readers = ThreadPoolExecutor(READERS, thread_name_prefix="mymonit-alert-reads")

    def rules(self) -> list[RuleOnType]:
        """Read again only when they changed: parsing 10,000 rules costs a cycle ~0.2 s."""
        (version,) = self._db.run(lambda c: c.fetch_all(_RULES_VERSION))
        if self._known_rules is None or self._known_rules[0] != version:
            self._known_rules = (version, [RuleOnType(rule, type_id) for rule, type_id in self._rules.with_type_ids()])
        return self._known_rules[1]

    def targets(self, rules: Sequence[RuleOnType]) -> list[Target]:
        (version,) = self._db.run(lambda c: c.fetch_all(_SERIES_VERSION))
        known = self._known_targets
        if known is None or known[0] != version or known[1] is not rules:
            groups = sorted({(r.rule.spec.experiment_id, r.type_id) for r in rules})
            rows = self._read(_TARGETS.format(",".join(["(%s, %s)"] * len(groups))),
                              tuple(v for group in groups for v in group)) if groups else []
            found = [Target(int(r[0]), int(r[1]), int(r[2]), Labels(r[3], r[4])) for r in rows]
            known = self._known_targets = (version, rules, found)
        return known[2]

    def track(self, pairs: Collection[tuple[int, int]], now: datetime) -> list[Tracked]:
        def work(connection: Connection) -> list[Tracked]:
            found = [_tracked(row) for row in connection.fetch_all(_TRACKED)]
            known = {(a.rule_id, a.series_id): a.alert_id for a in found}
            wanted = set(pairs)
            missing = sorted(wanted - known.keys())
            stale = sorted(alert_id for pair, alert_id in known.items() if pair not in wanted)
            at = to_db(now)
            for part in chunks(missing, CHUNK):
                values = ",".join(["(%s, %s, %s, %s)"] * len(part))
                params = tuple(v for rule_id, series_id in part for v in (rule_id, series_id, at, at))
                connection.execute(f"INSERT IGNORE INTO alerts (rule_id, series_id, since, value_at) VALUES {values}",  # noqa: S608  # nosec B608  # placeholders only
                                   params)
            for gone in chunks(stale, CHUNK):
                connection.execute(f"DELETE FROM alerts WHERE alert_id IN ({placeholders(len(gone))})", tuple(gone))  # noqa: S608  # nosec B608
            if not missing and not stale:
                return found
            return [_tracked(row) for row in connection.fetch_all(_TRACKED)]

        return self._db.run(work)

    def newest(self, series_ids: Sequence[int], now: datetime) -> dict[int, tuple[datetime, float]]:
        found: dict[int, tuple[datetime, float]] = {}
        reads = [(_NEWEST.format(placeholders(len(part))), (to_db(now), *part)) for part in chunks(series_ids, CHUNK)]
        for series_id, ts, value in self._read_all(reads):
            found.setdefault(int(series_id), (from_db(ts), float(value)))
        return found

    def windows(self, series_ids: Sequence[int], start: datetime, now: datetime) -> dict[int, WindowStats]:
        found: dict[int, WindowStats] = {}
        bounds = (to_db(start), to_db(now))
        reads = [(_WINDOWS.format(placeholders(len(part))), (*part, *bounds)) for part in chunks(series_ids, CHUNK)]
        for series_id, count, total, low, high in self._read_all(reads):
            found[int(series_id)] = WindowStats(int(count), float(total), float(low), float(high))
        return found

    def take(self, transition: Transition) -> bool:
        alert, at = transition.alert, to_db(transition.at)
        fired_at = at if transition.to is AlertState.FIRING else (alert.fired_at and to_db(alert.fired_at))

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

    def refresh(self, values: Sequence[tuple[Tracked, float]], now: datetime) -> None:
        """One multi-row upsert per CHUNK alerts (an UPDATE with a CASE per row costs twice as much); a
        row another evaluator removed meanwhile comes back as normal, and the next cycle removes it."""
        at = to_db(now)
        for part in chunks(values, CHUNK):
            rows = ",".join(["(%s, %s, %s, %s, %s, %s)"] * len(part))
            params = tuple(v for alert, value in part
                           for v in (alert.alert_id, alert.rule_id, alert.series_id, at, value, at))
            self._write(f"INSERT INTO alerts (alert_id, rule_id, series_id, since, last_value, value_at) VALUES {rows}"  # noqa: S608  # nosec B608
                        " ON DUPLICATE KEY UPDATE last_value = VALUES(last_value), value_at = VALUES(value_at)", params)

    def _read_all(self, reads: Sequence[tuple[str, tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
        """The rows of several reads, READERS at once: the server works on one while the client
        converts another's rows."""
        for rows in self._readers.map(lambda read: self._read(*read), reads):
            yield from rows

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self._db.run(lambda c: c.fetch_all(sql, params))

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._db.run(lambda c: c.execute(sql, params))
