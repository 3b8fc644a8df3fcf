"""What a `LogRecord` carries beyond the standard attributes: the fields handlers must treat."""

from __future__ import annotations

import logging
from typing import Final

# Attributes every LogRecord has (plus those formatters add); anything else came from `extra=`.
STANDARD_ATTRIBUTES: Final = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}

AUDIT_ATTRIBUTE: Final = "audit"


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The attributes a caller attached with `extra=`, the `audit` dict included."""
    return {k: v for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES}


def audit_fields(record: logging.LogRecord) -> dict[str, object]:
    """The `audit` extra of a record from `AuditTrail`, or an empty dict for other records."""
    audit = getattr(record, AUDIT_ATTRIBUTE, None)
    return {str(k): v for k, v in audit.items()} if isinstance(audit, dict) else {}
