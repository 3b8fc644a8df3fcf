"""Audit trail and redaction: what happened, to whom, with personal data and secrets removed.

`configure_logging(settings)` at the composition root returns the `AuditTrail`; entrypoints bind
the request with `bind_request` and `set_user`, and call `AuditTrail.emit` with an `AuditEvent`.
"""

from mymonit.audit.context import bind, bind_request, current, hash_client, set_user
from mymonit.audit.events import AuditEvent, Outcome
from mymonit.audit.handlers import RedactingFilter
from mymonit.audit.redaction import redact
from mymonit.audit.setup import configure_logging, reset_logging, spool_directory
from mymonit.audit.trail import AuditTrail

__all__ = [
    "AuditEvent",
    "AuditTrail",
    "Outcome",
    "RedactingFilter",
    "bind",
    "bind_request",
    "configure_logging",
    "current",
    "hash_client",
    "redact",
    "reset_logging",
    "set_user",
    "spool_directory",
]
