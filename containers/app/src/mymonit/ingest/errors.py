"""Every failure family of the consumer; the type of an error decides what happens to the message.

- `PoisonMessage`: the message can never succeed. It is published to the dead-letter exchange with
  its reason in a header, then acked. The consumer carries on. `SeriesLimitReached` (a message
  would create one series too many) and `BatchRefused` (the database rejects the rows themselves)
  end as poison messages of their own reasons.
- Transient failures: `domain.errors.Unavailable` from the database, `BrokerLost` from the broker.
  Nothing is acked; the consumer backs off (reconnecting to the broker) and retries, and
  redeliveries are absorbed by the dedup key. `Abandoned`: a stop came while the database was
  down, and what was not committed stays unacked for the broker to redeliver.
- `BrokerMisconfigured`: the broker refuses our topology; retrying cannot help, the consumer exits.

docs/design.md, "Errors" lists them with what each one does.
"""

from __future__ import annotations

from enum import StrEnum, unique

_MAX_DETAIL = 300


@unique
class Reason(StrEnum):
    """Why a message was dead-lettered: the value of the `x-mymonit-reason` header."""

    TOO_LARGE = "too-large"
    NOT_UTF8 = "not-utf8"
    BAD_JSON = "bad-json"
    NOT_FINITE = "not-finite"
    BAD_SHAPE = "bad-shape"
    TOO_MANY = "too-many-measures"
    MISSING_FIELD = "missing-field"
    WRONG_TYPE = "wrong-type"
    BAD_TIMESTAMP = "bad-timestamp"
    BAD_ID = "bad-id"
    BAD_SENSOR = "bad-sensor"
    BAD_TAGS = "bad-tags"
    SERIES_LIMIT = "series-limit"
    UNKNOWN_EXPERIMENT = "unknown-experiment"
    UNKNOWN_MEASURE = "unknown-measure"
    REFUSED_BY_DATABASE = "refused-by-database"
    UNEXPECTED_ERROR = "unexpected-error"


class PoisonMessage(Exception):
    """A message that can never be stored; `detail` says why without quoting the payload (no value,
    no name from the message: it goes into the audit trail)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        self.reason = reason
        self.detail = detail[:_MAX_DETAIL]
        super().__init__(f"{reason.value}: {self.detail}")

    def at(self, index: int) -> PoisonMessage:
        """The same error, naming which measure of an array was at fault."""
        return PoisonMessage(self.reason, f"measure {index}: {self.detail}")


class SeriesLimitReached(Exception):
    """Creating the series asked for would make the experiment hold more than its limit of series."""


class BatchRefused(Exception):
    """The database rejected the rows themselves (not a lost connection): retrying will not help."""


class BrokerLost(Exception):
    """The connection or a channel to the broker failed: reconnect, and let the broker redeliver."""


class Abandoned(Exception):
    """A stop was requested while the database was down: what was not committed stays unacked."""


class BrokerMisconfigured(RuntimeError):
    """The account may not declare or read the topology, or it exists with other arguments."""
