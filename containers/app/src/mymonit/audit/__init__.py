"""The audit trail: what happened, to whom, durable in the process's spool before it counts.

`configure_logging(settings)` at the composition root installs the console and spool handlers
(built from `mymonit.logs`) and returns the `AuditTrail`; entrypoints call `AuditTrail.emit` with
an `AuditEvent`. `mymonit ship-audit` (`shipper`) drains the spool into Logstash or the audit
file (docs/audit.md).
"""

from mymonit.audit.events import AuditEvent, Outcome
from mymonit.audit.setup import configure_logging, reset_logging, spool_directory
from mymonit.audit.trail import AuditTrail

__all__ = ["AuditEvent", "AuditTrail", "Outcome", "configure_logging", "reset_logging", "spool_directory"]
