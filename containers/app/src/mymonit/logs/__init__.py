"""Logging for every MyMONIT process: request context, console output, redaction and their fork guard.

Nothing here ships or stores anything: the audit package (`mymonit.audit`) builds the audit trail
and its durable delivery on top of these pieces, and `mymonit.audit.configure_logging` installs
both. Entrypoints bind the request with `bind_request` / `bind` and the caller with `set_user`;
`redact` makes any value safe to leave the process (docs/audit.md, "Redaction").
"""

from mymonit.logs.context import bind, bind_request, current, hash_client, set_user
from mymonit.logs.redacting_filter import RedactingFilter
from mymonit.logs.redaction import redact

__all__ = ["RedactingFilter", "bind", "bind_request", "current", "hash_client", "redact", "set_user"]
