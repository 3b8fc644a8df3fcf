"""Uncaught exceptions leave through the redacting handlers, not as raw tracebacks on stderr.

Python prints an exception nobody caught (in the main thread or any other) straight to stderr,
past every handler and so past redaction. `route_uncaught_exceptions` logs them instead, at
CRITICAL on `mymonit.uncaught`, with the traceback; KeyboardInterrupt keeps its usual output.
A thread hook that was already installed by someone else (a test runner's) is still called.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import Any, Final

_LOG: Final = logging.getLogger("mymonit.uncaught")
_saved: list[tuple[Any, Any]] = []  # the hooks found at the first routing, restored by `restore`


def route_uncaught_exceptions() -> None:
    if not _saved:
        _saved.append((sys.excepthook, threading.excepthook))
    sys.excepthook = _main_hook
    threading.excepthook = _thread_hook


def restore_uncaught_exceptions() -> None:
    if _saved:
        sys.excepthook, threading.excepthook = _saved.pop()


def _main_hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    _LOG.critical("uncaught %s", kind.__name__, exc_info=(kind, error, trace))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "?"
    error = args.exc_value
    trace = (args.exc_type, error, args.exc_traceback) if error is not None else None
    _LOG.critical("uncaught %s in thread %s", args.exc_type.__name__, name, exc_info=trace)
    previous = _saved[0][1] if _saved else None
    if previous is not None and previous is not threading.__excepthook__:
        previous(args)
