"""The audit trail: one structured log record per audited action."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Collection
from typing import Final, cast

from mymonit.audit.events import AuditEvent, Outcome
from mymonit.logs import context
from mymonit.logs.records import REDACTED_MARK
from mymonit.logs.redaction import redact

AUDIT_LOGGER: Final = "mymonit.audit"

_LEVELS: Final = {
    Outcome.SUCCESS: logging.INFO,
    Outcome.DENIED: logging.WARNING,
    Outcome.REJECTED: logging.WARNING,
    Outcome.FAILED: logging.ERROR,
}


class AuditTrail:
    """Records audit events on the `mymonit.audit` logger.

    Each record carries `extra={"audit": {...}}` with `event`, `outcome`, `request_id`,
    `user_id`, `client` (from the bound context; explicit fields win) and the caller's fields,
    already passed through `redact`. Level: INFO on success, WARNING when denied or rejected,
    ERROR when failed.

    The record is complete when it leaves: its message is `"<event> <outcome>"` (closed
    vocabulary, nothing to scrub) and its fields are redacted with `secrets`, the known secret values. It is marked
    as such, so a `RedactingFilter` holding the same secrets passes it without a second pass;
    one holding others scrubs it again.

    `emit` never raises and never waits on the network: the spool handler appends the event to
    this process's lane of the spool and returns (docs/audit.md); a broken handler must not fail
    a request or stop the consumer.
    """

    def __init__(self, logger: logging.Logger | None = None, secrets: Collection[str] = ()) -> None:
        self._logger = logger or logging.getLogger(AUDIT_LOGGER)
        self._secrets = tuple(s for s in secrets if s)

    def emit(self, event: AuditEvent, outcome: Outcome = Outcome.SUCCESS, **fields: object) -> None:
        """Record that `event` happened with `outcome`; `fields` say what it concerned."""
        try:
            self._log(event, outcome, fields)
        # The one boundary where a logging fault is swallowed: auditing must not fail the caller.
        except Exception as exc:  # noqa: BLE001
            _report_lost_event(event, exc)

    def _log(self, event: AuditEvent, outcome: Outcome, fields: dict[str, object]) -> None:
        names = {"event": event.value, "outcome": outcome.value}
        # Event and outcome come first for the reader, and nothing bound or passed can replace them.
        redacted = cast("dict[str, object]", redact({**context.current(), **fields}, self._secrets))
        audit = {**names, **redacted, **names}
        extra = {"audit": audit, REDACTED_MARK: self._secrets}
        self._logger.log(_LEVELS[outcome], "%s %s", event.value, outcome.value, extra=extra)


def _report_lost_event(event: AuditEvent, exc: Exception) -> None:
    """Last resort when logging itself failed: name the event and the fault type, nothing else."""
    # stderr may itself be closed; then there is nowhere left to report to.
    with contextlib.suppress(Exception):
        sys.stderr.write(f"mymonit.audit: could not record {event.value}: {type(exc).__name__}\n")
