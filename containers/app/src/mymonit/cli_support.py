"""What every `mymonit` command shares: its settings, checked, and its process put together by the
bootstrap; a clean stop on SIGTERM/SIGINT."""

# ruff: noqa: PLC0415  # the layers load lazily so `mymonit --help` stays fast

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click
from pydantic import ValidationError

from mymonit.config import InsecureConfiguration, Settings, load_settings

if TYPE_CHECKING:
    from mymonit.container import Container

T = TypeVar("T")


def load() -> Settings:
    """The settings from the environment; a clear error message for a bad or insecure one."""
    try:
        return load_settings()
    except InsecureConfiguration as error:
        raise click.ClickException(str(error)) from error
    except ValidationError as error:
        raise invalid(error) from error


def configured_settings() -> Settings:
    """The settings, with this process's logging configured (commands that need no container)."""
    from mymonit.bootstrap import configure

    settings = load()
    configure(settings)
    return settings


def process(*, spool: bool = True) -> Container:
    """This process put together by the bootstrap: its logging, its one audit trail, its container."""
    from mymonit.bootstrap import start

    return start(load(), spool=spool)


def invalid(error: ValidationError) -> click.ClickException:
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return click.ClickException(f"invalid configuration: {problems}")


def stopped_by_signals() -> threading.Event:
    """Set by SIGTERM or SIGINT: a long-running command stops cleanly."""
    import signal

    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _number, _frame: stop.set())
    return stop


def checked(settings: Callable[[], T]) -> T:
    """A worker's settings, read first so that a bad value is an error message, not a traceback."""
    try:
        return settings()
    except ValidationError as error:
        raise invalid(error) from error
