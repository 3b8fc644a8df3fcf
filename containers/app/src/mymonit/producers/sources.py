"""Where adapters read measures from: stdin numbers, CSV rows (`csv_source`), or a synthetic generator.

Each source yields `Sample`s, and a `Skipped` for a line it cannot read (with its line number),
so one bad line never stops the rest. The labels a source is given (`sensor`, `tags`) are
already checked (`mymonit.domain.series`); the sources put them on every sample as they are.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class Sample(NamedTuple):
    """One measure to publish. `timestamp`: Unix seconds, or an ISO-8601 string with an offset.

    `sensor` and `tags` are the measure's series labels, checked by whoever made the sample;
    None (or empty tags) leaves the field out of the message. Samples may share one `tags` dict:
    nobody changes it. A NamedTuple, not a frozen dataclass: a replay builds one per row, and a
    tuple is built in half the time.
    """

    timestamp: float | str
    value: float
    measure: str | None = None  # None: the adapter's --measure
    sensor: str | None = None
    tags: dict[str, str] | None = None


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


def stdin_samples(lines: Iterable[str], clock: Callable[[], float] = time.time, *, sensor: str | None = None,
                  tags: dict[str, str] | None = None) -> Iterator[Sample | Skipped]:
    """One number per line, timestamped when read (the original adapter); blank lines are ignored."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            yield Sample(clock(), parse_value(text), sensor=sensor, tags=tags)
        except ValueError as error:
            yield Skipped(number, str(error))


def synthetic_samples(count: int, rate: float | None = None, *, clock: Callable[[], float] = time.time,
                      pause: Callable[[float], None] = time.sleep, seed: int | None = None,
                      sensors: Sequence[str] = (), tags: dict[str, str] | None = None) -> Iterator[Sample]:
    """`count` measures (0: endless) of a noisy sine wave, at `rate` per second (None: as fast as possible).

    The measures take `sensors` in turn (the i-th measure, from 0, has `sensors[i % len(sensors)]`),
    so a run is the same whatever its batching; no sensors: measures without one.
    """
    noise = random.Random(seed)  # noqa: S311  # nosec B311  # test data, not secrets
    started = clock()
    for index in itertools.count() if count == 0 else range(count):
        if rate:
            ahead = started + index / rate - clock()
            if ahead > 0:
                pause(ahead)
        value = 100.0 + 10.0 * math.sin(index / 50.0) + noise.gauss(0.0, 1.0)
        sensor = sensors[index % len(sensors)] if sensors else None
        yield Sample(clock(), round(value, 6), sensor=sensor, tags=tags)
