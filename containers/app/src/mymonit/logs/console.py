"""Console output: coloured human lines for a terminal, JSON lines for log collectors."""

from __future__ import annotations

import json
import logging
import time
from typing import Final

import orjson

# colorama ships no type stubs.
from colorama import Fore, Style  # type: ignore[import-untyped]

from mymonit.logs.records import AUDIT_ATTRIBUTE, audit_fields, extra_fields

_LEVEL_COLOURS: Final = {
    logging.DEBUG: Style.DIM,
    logging.INFO: Fore.GREEN,
    logging.WARNING: Fore.YELLOW,
    logging.ERROR: Fore.RED,
    logging.CRITICAL: Fore.RED + Style.BRIGHT,
}


_IN_MESSAGE: Final = frozenset({"event", "outcome"})  # an audit record's message is "event outcome"


class ConsoleFormatter(logging.Formatter):
    """One record per line (a traceback follows on its own lines in colour mode).

    `colour=True`: `time LEVEL logger message key=value...` with the level coloured, the audit
    fields first. `colour=False`: one JSON object per line with `time`, `level`, `logger`,
    `message`, the audit fields and other `extra=` fields at top level (the four base keys win a
    name clash) and `exc` for a traceback. Expects records already scrubbed by RedactingFilter.
    """

    def __init__(self, *, colour: bool) -> None:
        super().__init__()
        self._colour = colour

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        if self._colour:
            return self._human(record, fields)
        return self._json(record, fields)

    def _human(self, record: logging.LogRecord, fields: dict[str, object]) -> str:
        colour = _LEVEL_COLOURS.get(record.levelno, "")
        shown = {k: v for k, v in fields.items() if k not in _IN_MESSAGE}
        pairs = " ".join(f"{Style.DIM}{k}={Style.RESET_ALL}{_plain(v)}" for k, v in shown.items())
        stamp = f"{Style.DIM}{_time(record)}{Style.RESET_ALL}"
        level = f"{colour}{record.levelname:<7}{Style.RESET_ALL}"
        source = f"{Fore.CYAN}{record.name}{Style.RESET_ALL}"
        message = record.getMessage().replace("\n", "\\n")
        line = f"{stamp} {level} {source} {message} {pairs}".rstrip()
        trace = self._trace(record)
        return f"{line}\n{Fore.RED}{trace}{Style.RESET_ALL}" if trace else line

    def _json(self, record: logging.LogRecord, fields: dict[str, object]) -> str:
        document = {
            **fields,
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace = self._trace(record)
        if trace:
            document["exc"] = trace
        return _json_line(document)

    def _trace(self, record: logging.LogRecord) -> str:
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        return "\n".join(filter(None, (record.exc_text, record.stack_info)))


def _fields(record: logging.LogRecord) -> dict[str, object]:
    others = {k: v for k, v in extra_fields(record).items() if k != AUDIT_ATTRIBUTE}
    return {**audit_fields(record), **others}


def _json_line(document: dict[str, object]) -> str:
    """orjson (a record is written on every request); the json module for what orjson refuses
    (integers beyond 64 bits), so a line is always written."""
    try:
        return orjson.dumps(document, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False, default=repr)


def _time(record: logging.LogRecord) -> str:
    """UTC with milliseconds, e.g. 2026-11-28T10:15:02.123Z."""
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created))}.{int(record.msecs):03d}Z"


def _plain(value: object) -> str:
    """A value as `key=value` text: bare when it has no space or quote, JSON otherwise."""
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if text and not any(c in text for c in ' "=\n') else json.dumps(text)
