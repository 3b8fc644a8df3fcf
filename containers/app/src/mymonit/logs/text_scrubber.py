"""Scrubbing of free text: credentials and contact details that can be recognised by their shape.

Hidden in any text: the known secret values (also as they appear URL-, form-, JSON- or
repr-escaped), the password or token of a URL/DSN (`scheme://user:***@host`, `scheme://***@host`),
`Bearer`/`Basic` credentials, JWTs and other base64url-encoded JSON, `password=...`-style pairs
(`=`, or `:` followed by a space or quote, so `auth:token:rejected` is left alone) and email
addresses. A person's name in free text cannot be recognised; that is what `Personal` is for.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import quote, quote_plus

from mymonit.domain.personal import REDACTED

TRUNCATION_MARKER: Final = "…[truncated]"
MIN_CHARS: Final = 64
SCAN_FACTOR: Final = 8
FRAGMENT_MARGIN: Final = 4096
_MAX_PASSES: Final = 4

_URL_USERINFO: Final = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]{0,30}://)(?P<info>[^\s/?#@]*@)+")
_AUTH_SCHEME: Final = re.compile(
    r"(?P<kind>[Bb]earer|BEARER)\s+(?:(?!(?i:bearer)\s)[^\s\"'<>,;])+|Basic\s+[A-Za-z0-9+/=]{8,}"
)
_JWT: Final = re.compile(r"eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}")
_PAIR: Final = re.compile(
    r"(?i)(?P<key>\b[\w.-]{0,40}?"
    r"(?:password|passwd|pwd|passphrase|secret|token|api_?key)[\w-]{0,20}"
    r"[\"']?\s*(?:=|:(?=[\s\"']))\s*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s&,;\"'}]+)"
)
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}")
# Every pattern above needs one of these: "@" (URLs, emails), whitespace (Bearer/Basic), "eyJ"
# (JWTs), "=" or ":" before a space or quote (pairs). Text without any skips the patterns.
_MAY_MATCH: Final = re.compile(r"[@=\s]|eyJ|:[\"']")


@dataclass(frozen=True, slots=True)
class TextScrubber:
    """Scrubs text for one set of known secrets (held longest first) and a length cap.

    `text` is idempotent: its output scrubbed again is unchanged.
    """

    secrets: tuple[str, ...]
    max_chars: int
    # Matches wherever a secret or a pattern could start. Most strings of a record (ids, event
    # names, hashes) have no such place and come back as they are after this one search.
    trigger: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        alternatives = [*map(re.escape, self.secrets), _MAY_MATCH.pattern]
        object.__setattr__(self, "trigger", re.compile("|".join(alternatives)))

    @classmethod
    def of(cls, secrets: Collection[str], max_chars: int) -> TextScrubber:
        return _scrubber(tuple(secrets), max_chars)

    def text(self, value: str) -> str:
        """Scrub, then truncate to `max_chars` with a marker.

        Only the first `SCAN_FACTOR * max_chars` characters are scanned when that is enough: if
        the scrubbed head still overflows the cap by `FRAGMENT_MARGIN`, a secret cut in half at
        the scan boundary cannot reach the output; otherwise the whole text is scanned.
        """
        if len(value) <= self.max_chars and not self.trigger.search(value):
            return value  # what `_scrubbed` and `_truncated` would return, without their passes
        window = self.max_chars * SCAN_FACTOR
        if len(value) > window:
            head = self._scrubbed(value[:window])
            if len(head) >= self.max_chars + FRAGMENT_MARGIN:
                return self._truncated(head)
        return self._truncated(self._scrubbed(value))

    def _scrubbed(self, value: str) -> str:
        """Scrub until nothing changes: a replacement can expose a neighbour to a pattern."""
        for _ in range(_MAX_PASSES):
            scrubbed = self._pass(value)
            if scrubbed == value:
                break
            value = scrubbed
        return value

    def _truncated(self, value: str) -> str:
        if len(value) <= self.max_chars:
            return value
        return value[: self.max_chars - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER

    def _pass(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        if not _MAY_MATCH.search(value):
            return value
        value = _URL_USERINFO.sub(_hide_userinfo, value)
        value = _AUTH_SCHEME.sub(_hide_auth, value)
        value = _JWT.sub(REDACTED, value)
        value = _PAIR.sub(_hide_pair_value, value)
        return _EMAIL.sub(REDACTED, value)


@functools.lru_cache(maxsize=16)  # one per set of secrets in practice: built once, not per record
def _scrubber(secrets: tuple[str, ...], max_chars: int) -> TextScrubber:
    variants = {v for s in secrets if s for v in _escaped_forms(s)}
    return TextScrubber(tuple(sorted(variants, key=len, reverse=True)), max(max_chars, MIN_CHARS))


def _escaped_forms(secret: str) -> set[str]:
    """The secret as it may appear in a URL, a form body, JSON or a `repr`."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        repr(secret)[1:-1],
    }


def _hide_userinfo(match: re.Match[str]) -> str:
    info = match.group(0)[len(match["scheme"]) :]
    user, colon, _ = info.partition(":")
    kept = f"{user}:{REDACTED}@" if colon else f"{REDACTED}@"
    return match["scheme"] + kept


def _hide_pair_value(match: re.Match[str]) -> str:
    quote_mark = match["value"][0] if match["value"][0] in "\"'" else ""
    return f"{match['key']}{quote_mark}{REDACTED}{quote_mark}"


def _hide_auth(match: re.Match[str]) -> str:
    return f"{match['kind'] or 'Basic'} {REDACTED}"
