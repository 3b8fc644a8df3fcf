"""Round-robin timing of several probes, and the table of medians, p90s and ratios to the bare query.

Probes run interleaved (one run of each per round, in a fresh random order each round) so that
background load on the shared cores, and the after-effects of a heavy probe on the next one (the
server still freeing an aggregation's temporary table), fall on every path alike.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Probe:
    name: str
    run: Callable[[], object]
    baseline: str | None = None  # the bare probe this one is compared with


@dataclass
class Samples:
    probe: Probe
    seconds: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p90_ms(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=10, method="inclusive")[-1] * 1000


def measure(probes: list[Probe], repeat: int, recover: Callable[[Exception], None], warmup: int = 3,
            retries: int = 5) -> dict[str, Samples]:
    """Run every probe `warmup` times untimed, then `repeat` timed rounds; results keep the probes' order.

    A round that fails is discarded whole and run again after `recover(error)` (which waits for the
    database and reconnects, or re-raises), at most `retries` times in all.
    """
    results = {p.name: Samples(p) for p in probes}
    shuffler = random.Random(0)
    done = -warmup
    while done < repeat:
        try:
            timed = _round(shuffler.sample(probes, len(probes)))
        except Exception as error:
            if retries == 0:
                raise
            retries -= 1
            recover(error)
            continue
        if done >= 0:
            for name, seconds in timed.items():
                results[name].seconds.append(seconds)
        done += 1
    return results


def _round(probes: list[Probe]) -> dict[str, float]:
    timed = {}
    for probe in probes:
        started = time.perf_counter()
        probe.run()
        timed[probe.name] = time.perf_counter() - started
    return timed


def table(results: dict[str, Samples]) -> str:
    width = max(len(name) for name in results) + 2
    lines = [f"{'path':<{width}}{'median ms':>10}{'p90 ms':>10}{'× bare':>9}", "-" * (width + 29)]
    for name, samples in results.items():
        base = results.get(samples.probe.baseline or "")
        ratio = f"{samples.median_ms / base.median_ms:>8.2f}×" if base else f"{'':>9}"
        lines.append(f"{name:<{width}}{samples.median_ms:>10.2f}{samples.p90_ms:>10.2f}{ratio}")
    return "\n".join(lines)
