"""cProfile of the API page, to say where a request's time goes beyond the bare query."""

from __future__ import annotations

import cProfile
import io
import pstats
import time

from flask.testing import FlaskClient


def profile_page(client: FlaskClient, url: str, headers: dict[str, str], requests: int) -> None:
    """Profile `requests` test-client GETs; prints the top functions by own and by cumulative time.

    cProfile inflates Python-heavy code relative to C calls, so read the per-request figures as
    proportions, and the wall time (printed first) as the unprofiled cost.
    """
    started = time.perf_counter()
    for _ in range(requests):
        client.get(url, headers=headers)
    wall = (time.perf_counter() - started) / requests * 1000

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url, headers=headers)
    profiler.disable()

    print(f"\nprofile of {requests} test-client requests of {url}: {wall:.2f} ms/request unprofiled")
    for order, count in (("tottime", 25), ("cumulative", 40)):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(count)
        print(f"\n-- by {order} (seconds are totals over {requests} requests) --")
        print(out.getvalue().split("\n", 4)[-1].rstrip())
