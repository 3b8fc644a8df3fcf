"""Where adapters read measures from: stdin numbers, CSV rows, or a synthetic generator.

Each source yields `Sample`s, and a `Skipped` for a line it cannot read (with its line number),
so one bad line never stops the rest.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Sample:
    """One measure to publish. `timestamp`: Unix seconds, or an ISO-8601 string with an offset."""

    timestamp: float | str
    value: float
    measure: str | None = None  # None: the adapter's --measure


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


def parse_value(text: str) -> float:
    """A finite number; raises ValueError with a reason a person can act on."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]!r} is not a finite number")
    return value


def parse_timestamp(text: str) -> float | str:
    """Unix seconds, or an ISO-8601 string with an offset (kept as text: no precision lost)."""
    try:
        return parse_value(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is neither Unix seconds nor ISO-8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text[:40]!r} needs an offset (Z or ±hh:mm)")
    return moment.isoformat()


def stdin_samples(lines: Iterable[str], clock: Callable[[], float] = time.time) -> Iterator[Sample | Skipped]:
    """One number per line, timestamped when read (the original adapter); blank lines are ignored."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            yield Sample(clock(), parse_value(text))
        except ValueError as error:
            yield Skipped(number, str(error))


def csv_samples(lines: Iterable[str | bytes]) -> Iterator[Sample | Skipped]:
    """Rows `timestamp,value[,measure]`; a first row naming the columns is skipped silently.

    Lines may be bytes (a file opened in binary): one that is not UTF-8 is skipped and reported.
    """
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            yield Skipped(number, "the line is not valid UTF-8")
            continue
        fields = [field.strip() for field in line.strip().split(",")]
        if fields == [""] or (number == 1 and fields[0].lower() == "timestamp"):
            continue
        if len(fields) not in {2, 3} or (len(fields) == 3 and not fields[2]):
            yield Skipped(number, f"expected timestamp,value[,measure], got {len(fields)} fields")
            continue
        try:
            yield Sample(parse_timestamp(fields[0]), parse_value(fields[1]), fields[2] if len(fields) == 3 else None)
        except ValueError as error:
            yield Skipped(number, str(error))


def synthetic_samples(count: int, rate: float | None = None, *, clock: Callable[[], float] = time.time,
                      pause: Callable[[float], None] = time.sleep, seed: int | None = None) -> Iterator[Sample]:
    """`count` measures (0: endless) of a noisy sine wave, at `rate` per second (None: as fast as possible)."""
    noise = random.Random(seed)  # noqa: S311  # nosec B311  # test data, not secrets
    started = clock()
    for index in itertools.count() if count == 0 else range(count):
        if rate:
            ahead = started + index / rate - clock()
            if ahead > 0:
                pause(ahead)
        value = 100.0 + 10.0 * math.sin(index / 50.0) + noise.gauss(0.0, 1.0)
        yield Sample(clock(), round(value, 6))
