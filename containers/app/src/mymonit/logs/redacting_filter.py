"""The redacting filter every handler carries, and the console handler `configure_logging` installs."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import IO, Final, cast

from mymonit.domain.personal import Personal
from mymonit.logs.console import ConsoleFormatter
from mymonit.logs.records import REDACTED_MARK, extra_fields
from mymonit.logs.redaction import MAX_CHARS, redact

TRACEBACK_CHARS: Final = 32_768
_WITHHELD: Final = "[log record withheld: redaction failed]"
_TRACEBACK_FORMATTER: Final = logging.Formatter()
_STRUCTURED: Final = (Mapping, list, tuple, set, frozenset, Personal)


class RedactingFilter(logging.Filter):
    """Scrubs a record in place before its handler formats it; never drops, never raises.

    The message is rendered with its arguments (containers among them redacted by key first),
    then scrubbed into `msg` and `message`, and `args` emptied; a traceback is formatted, scrubbed
    into `exc_text` and `exc_info` dropped; `stack_info` and every `extra=` field (the `audit`
    dict included) go through `redact`. Running it twice on a record is harmless, so every handler
    carries one; a record already scrubbed with the same secrets passes as it is. If redaction
    itself fails the record keeps only a fixed notice.
    """

    def __init__(self, secrets: Collection[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, REDACTED_MARK, None) == self._secrets:
            return True  # another handler's filter, with the same secrets, has scrubbed it
        try:
            self._scrub(record)
        except Exception:  # noqa: BLE001  # a record we cannot clean must not leave, nor raise
            _withhold(record)
        setattr(record, REDACTED_MARK, self._secrets)
        return True

    def _scrub(self, record: logging.LogRecord) -> None:
        record.msg, record.args = self._text(self._rendered(record)), ()
        # A handler that ran earlier (pytest's, a library's own) may have cached the raw text in
        # `message`, which a formatter may copy as it is.
        record.message = record.msg
        if record.exc_info:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self._text(record.exc_text, TRACEBACK_CHARS)
        if record.stack_info:
            record.stack_info = self._text(record.stack_info, TRACEBACK_CHARS)
        for key, value in extra_fields(record).items():
            setattr(record, key, self._field(key, value))

    def _field(self, key: str, value: object) -> object:
        """An `extra=` value judged with its key, so `extra={"email": ...}` is hidden by name."""
        (redacted,) = cast("dict[str, object]", redact({key: value}, self._secrets)).values()
        return redacted

    def _rendered(self, record: logging.LogRecord) -> str:
        if not isinstance(record.msg, str):
            record.msg = self._structured(record.msg)
        if isinstance(record.args, Mapping):
            record.args = cast("dict[str, object]", redact(record.args, self._secrets))
        elif record.args:
            record.args = tuple(self._structured(arg) for arg in record.args)
        try:
            return record.getMessage()
        except (TypeError, ValueError, KeyError):
            return f"{record.msg} (unformattable arguments {record.args!r})"

    def _structured(self, value: object) -> object:
        """Containers and `Personal` are redacted by structure before `%` turns them into text."""
        return redact(value, self._secrets) if isinstance(value, _STRUCTURED) else value

    def _text(self, text: str, max_chars: int = MAX_CHARS) -> str:
        return str(redact(text, self._secrets, max_chars=max_chars))


def _withhold(record: logging.LogRecord) -> None:
    for key in extra_fields(record):
        delattr(record, key)
    record.msg, record.message, record.args = _WITHHELD, _WITHHELD, ()
    record.exc_info, record.exc_text, record.stack_info = None, None, None


def console_handler(stream: IO[str], secrets: Collection[str]) -> logging.Handler:
    """A stream handler: coloured lines on a TTY, JSON lines otherwise; redacting."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ConsoleFormatter(colour=stream.isatty()))
    handler.addFilter(RedactingFilter(secrets))
    return handler
