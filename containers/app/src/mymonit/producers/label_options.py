"""`--sensor NAME` and `--tag key=value` of `mymonit publish`, checked by the series rules as they are parsed.

A bad one is a usage error naming its option (exit status 2) before anything connects; the
rules are `mymonit.domain.series`', the consumer's own, so what the adapter accepts is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from mymonit.domain.errors import BadLabels
from mymonit.domain.series import canonical_tags, check_sensor

MAX_SYNTHETIC_SENSORS = 10_000  # the consumer's default MAX_SERIES_PER_EXPERIMENT: more would be dead-lettered
_DEFAULT_PREFIX = "sensor"


def label_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `sensor` (str or None) and `tags` (a dict, empty when no --tag) to a command's arguments."""
    function = click.option(
        "--tag", "tags", multiple=True, metavar="KEY=VALUE", callback=_tags,
        help="A tag of every measure (repeatable; a CSV `tag.<key>` column overrides it).")(function)
    return click.option("--sensor", callback=_sensor, metavar="NAME",
                        help="The sensor of every measure (a CSV `sensor` column overrides it).")(function)


def _sensor(_context: click.Context, _parameter: click.Parameter, value: str | None) -> str | None:
    try:
        return check_sensor(value)
    except BadLabels as error:
        raise click.BadParameter(str(error)) from None


def _tags(_context: click.Context, _parameter: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for text in values:
        key, equals, value = text.partition("=")
        if not equals:
            raise click.BadParameter(f"{text[:40]!r} is not KEY=VALUE")
        if key in tags:
            raise click.BadParameter(f"the tag {key[:40]!r} is given twice")
        tags[key] = value
    try:
        canonical_tags(tags)
    except BadLabels as error:
        raise click.BadParameter(str(error)) from None
    return tags


def sensor_names(sensor: str | None, count: int | None) -> tuple[str, ...]:
    """The sensors synthetic measures take in turn: `--sensor` alone (or none) without `--sensors`,
    else `<prefix>-1` … `<prefix>-<count>` with `--sensor` as the prefix (default `sensor`).
    Raises a usage error when the longest name breaks the series rules."""
    if count is None:
        return () if sensor is None else (sensor,)
    names = tuple(f"{sensor or _DEFAULT_PREFIX}-{number}" for number in range(1, count + 1))
    try:
        check_sensor(names[-1])  # the prefix is already checked: only the longest name can be too long
    except BadLabels as error:
        raise click.BadParameter(f"{error} (`{names[-1][:20]}…` would have {len(names[-1])})",
                                 param_hint="'--sensor' with '--sensors'") from None
    return names
