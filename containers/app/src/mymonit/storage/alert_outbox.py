"""The notifications' outbox in MySQL (implements `mymonit.alerting.ports.Outbox`).

A notification is claimed by moving its next attempt past a lease, guarded by its attempt count:
of several deliverers that read it due, exactly one claims each attempt. Times are the server's
(NOW(6)), so deliverers on several hosts agree on what is due.
"""

from __future__ import annotations

from mymonit.alerting.ports import Delivery, Notification
from mymonit.storage.database import Database
from mymonit.storage.session import Connection

_DUE = ("SELECT delivery_id, idempotency_key, url, body, attempts FROM alert_outbox"
        " WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= NOW(6)"
        " ORDER BY next_attempt_at LIMIT %s")
_CLAIM = ("UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = NOW(6) + INTERVAL %s MICROSECOND"
          " WHERE delivery_id = %s AND attempts = %s AND delivered_at IS NULL AND failed_at IS NULL")
_DELIVERED = "UPDATE alert_outbox SET delivered_at = NOW(6), last_error = NULL WHERE delivery_id = %s"
_RETRY = ("UPDATE alert_outbox SET last_error = %s, next_attempt_at = NOW(6) + INTERVAL %s MICROSECOND"
          " WHERE delivery_id = %s")
_GIVE_UP = "UPDATE alert_outbox SET last_error = %s, failed_at = NOW(6) WHERE delivery_id = %s"
_PRUNE = ("DELETE FROM alert_outbox WHERE delivered_at < NOW(6) - INTERVAL %s SECOND"
          " OR failed_at < NOW(6) - INTERVAL %s SECOND LIMIT 1000")


def micros(seconds: float) -> int:
    return int(seconds * 1_000_000)


class MySqlOutbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    def claim(self, limit: int, lease_seconds: float) -> list[Delivery]:
        def work(connection: Connection) -> list[Delivery]:
            claimed = []
            for delivery_id, key, url, body, attempts in connection.fetch_all(_DUE, (limit,)):
                if connection.execute(_CLAIM, (micros(lease_seconds), delivery_id, attempts)) == 1:
                    notification = Notification(str(url), str(key), str(body).encode())
                    claimed.append(Delivery(int(delivery_id), notification, int(attempts) + 1))
            return claimed

        return self._db.run(work)

    def delivered(self, delivery_id: int) -> None:
        self._db.run(lambda c: c.execute(_DELIVERED, (delivery_id,)))

    def attempt_failed(self, delivery_id: int, error: str, retry_in: float | None) -> None:
        reason = error[:500]
        if retry_in is None:
            self._db.run(lambda c: c.execute(_GIVE_UP, (reason, delivery_id)))
        else:
            self._db.run(lambda c: c.execute(_RETRY, (reason, micros(retry_in), delivery_id)))

    def prune(self, older_than_seconds: int) -> int:
        """Forget notifications delivered or given up that long ago, a thousand rows per statement."""
        removed = 0
        while (done := self._db.run(lambda c: c.execute(_PRUNE, (older_than_seconds, older_than_seconds)))) > 0:
            removed += done
        return removed
