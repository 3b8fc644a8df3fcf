"""What a `LogRecord` carries beyond the standard attributes: the fields handlers must treat."""

from __future__ import annotations

import logging
from typing import Final

AUDIT_ATTRIBUTE: Final = "audit"
# Set by RedactingFilter on a record it scrubbed (to the secrets it used), so the next handler's
# filter need not scrub it again; never output.
REDACTED_MARK: Final = "_mymonit_redacted_with"

# Attributes every LogRecord has (plus those formatters add, and our mark); anything else came
# from `extra=`.
STANDARD_ATTRIBUTES: Final = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    REDACTED_MARK,
}


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The attributes a caller attached with `extra=`, the `audit` dict included."""
    return {k: v for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES}


def audit_fields(record: logging.LogRecord) -> dict[str, object]:
    """The `audit` extra of a record from `AuditTrail`, or an empty dict for other records."""
    audit = getattr(record, AUDIT_ATTRIBUTE, None)
    return {str(k): v for k, v in audit.items()} if isinstance(audit, dict) else {}
