"""One pure function that makes any value safe to leave the process in a log record.

What is hidden:
- values under sensitive keys (`name`, `username`, `email`, `uid`, `token`, `password`, `secret`,
  `authorization`, `cookie`, `api_key`, `credentials`, `dsn`, client IP keys, and `*_name`,
  `*_token`, `*_password`... forms). `name` is always treated as a person's name: code logs an
  experiment's name under `experiment` and a measure type under `measure_type`, which stay
  visible, as do `user_id`, `experiment_id` and every other `*_id`;
- `Personal` values, wherever they are;
- inside every string, whatever `TextScrubber` recognises: the known secret values passed in,
  URL/DSN credentials, bearer and basic credentials, JWTs, `password=...` pairs, email addresses.

Exceptions become `Type: <scrubbed message>`; other non-JSON values their scrubbed `repr`.
Nesting is cut at `MAX_DEPTH` and strings at `max_chars`, both with a visible marker. The function
is idempotent: redacting its own output changes nothing.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Final

from mymonit.domain.personal import REDACTED, Personal
from mymonit.logs.text_scrubber import TRUNCATION_MARKER, TextScrubber

__all__ = ["DEPTH_MARKER", "MAX_CHARS", "MAX_DEPTH", "TRUNCATION_MARKER", "redact"]

MAX_DEPTH: Final = 8
MAX_CHARS: Final = 4096
DEPTH_MARKER: Final = "[depth limit]"
_PLAIN: Final = frozenset({type(None), bool, int})

_SENSITIVE_KEY: Final = re.compile(
    r"(?:^|_)(?:names?|username|e_?mails?|uid|tokens?|password|passwd|pwd|passphrase|secrets?"
    r"|(?:private|secret)_?key|authorization|cookies?|api_?key|credentials?|dsn|phone"
    r"|remote_addr|ip|ip_address|client_ip)$"
)
_CAMEL_HUMP: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def redact(value: object, secrets: Collection[str] = (), *, max_chars: int = MAX_CHARS) -> object:
    """Return a JSON-safe copy of `value` with personal data and credentials replaced by `***`.

    `secrets` are exact values (passwords from the settings) to hide wherever they occur, even
    inside text that already embedded them. `max_chars` caps every string (at least 64). Pure: the
    input is not modified and no global state is touched.
    """
    return _redact(value, TextScrubber.of(secrets, max_chars), 0)


def _redact(value: object, scrub: TextScrubber, depth: int) -> object:
    kind = type(value)  # exact types first: most values of a record are plain str, int, bool, None
    if kind is str:
        return scrub.text(value)  # type: ignore[arg-type]  # `kind is str` narrows `value`
    if kind in _PLAIN:
        return value
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return DEPTH_MARKER if depth >= MAX_DEPTH else _container(value, scrub, depth + 1)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return _number(value)
    return scrub.text(_as_text(value))


def _number(value: float) -> object:
    """Plain int or float; NaN and infinities, which JSON cannot carry, as text."""
    if isinstance(value, int):
        return int(value)
    return float(value) if math.isfinite(value) else repr(value)


def _as_text(value: object) -> str:
    if isinstance(value, Personal):
        return REDACTED
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, str) else repr(value)


def _container(
    value: Mapping[object, object] | list[object] | tuple[object, ...] | set[object] | frozenset[object],
    scrub: TextScrubber,
    depth: int,
) -> object:
    if isinstance(value, Mapping):
        return {_key(k, scrub, depth): _value_for(k, v, scrub, depth) for k, v in value.items()}
    items = [_redact(item, scrub, depth) for item in value]
    if isinstance(value, set | frozenset):
        items.sort(key=repr)
    return items


def _key(key: object, scrub: TextScrubber, depth: int) -> str:
    redacted = _redact(key, scrub, depth)
    return redacted if isinstance(redacted, str) else str(redacted)


def _value_for(key: object, value: object, scrub: TextScrubber, depth: int) -> object:
    if _is_sensitive(str(key)):
        return REDACTED
    return _redact(value, scrub, depth)


@functools.lru_cache(maxsize=4096)  # the same few keys come back in every record
def _is_sensitive(key: str) -> bool:
    """`idToken`, `X-Api-Key` and `id_token` all become snake case before the key check."""
    return bool(_SENSITIVE_KEY.search(_CAMEL_HUMP.sub("_", key).lower().replace("-", "_")))
