"""Part 4 of bench/audit.py: what the audit spool costs the API, and whether every event arrives.

`GET /experiments/` under wrk on two real `mymonit serve`, one with the spool on (LOGSTASH_HOST
pointed at the stand-in, AUDIT_SPOOL_DIR a temporary directory, a `mymonit ship-audit` shipping
all along, as in production) and one with it off, in interleaved pairs of runs; then every request
answered 200 with the spool on must have reached the stand-in.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from api_load import check_paths
from api_load_cpu import CpuMeter, CpuShare, named, tree
from api_load_stack import Nginx
from api_load_wrk import LoadResult, run_wrk
from audit_child import StandIn
from bench_settings import NO_AUDIT_SPOOL
from caller import BenchCaller
from mymonit.audit.spool_file import backlog
from serve_process import ApiServer, Background

TARGET_COST = 0.10
PATH = "/experiments/"
AUDITED = ("API (granian)", "ship-audit", "Logstash stand-in")


@dataclass
class ApiRuns:
    results: list[LoadResult] = field(default_factory=list)
    cpu: list[list[CpuShare]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return sum(r.requests for r in self.results) / sum(r.seconds for r in self.results)

    @property
    def answered(self) -> int:
        return sum(r.requests - r.non_2xx for r in self.results)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.results)

    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.results)

    def p99_ms(self) -> float:
        return max(r.p99_ms for r in self.results)

    def cpu_ms(self, *groups: str) -> float:
        """CPU per request of `groups` (all of them if none), ms."""
        seconds = sum(s.seconds for shares in self.cpu for s in shares if not groups or s.name in groups)
        return seconds / sum(r.requests for r in self.results) * 1000


@dataclass
class ApiOutcome:
    off: ApiRuns
    on: ApiRuns
    expected: int  # requests answered 200 with the spool on, warm-up included: each audited once
    stored: int  # distinct events the stand-in stored (the servers' own events, e.g. service:started, too)
    left: int  # bytes not yet shipped at the end
    batch: float  # events per batch the shipper posted, on average

    @property
    def ratio(self) -> float:
        return self.on.rate / self.off.rate

    @property
    def cost(self) -> float:
        return 1 - self.ratio

    @property
    def arrived(self) -> bool:
        return self.stored >= self.expected

    @property
    def failed(self) -> bool:
        return bool(self.off.errors or self.on.errors or not self.arrived)


def process_tree(pid: int | None) -> Callable[[], list[int]]:
    return lambda: tree(pid) if pid else []


@contextlib.contextmanager
def front(server: ApiServer, nginx: bool) -> Iterator[tuple[str, int | None]]:
    """The base URL wrk drives, the server's own or that of the bench's nginx in front of it, and nginx's pid."""
    if not nginx:
        yield server.base_url, None
        return
    with Nginx(server.port) as proxy:
        yield proxy.base_url, proxy.pid


def api_part(args: argparse.Namespace, work: Path, caller: BenchCaller) -> ApiOutcome:
    spool = work / "api-spool"
    route = "nginx (TLS) in front" if args.nginx else "straight to granian, no nginx"
    print(f"\n4. GET {PATH}: wrk, {args.connections} connections, {route}; two `mymonit serve` of"
          f" {args.workers} workers each, spool on (+ `mymonit ship-audit` to the stand-in) and off;"
          f" {args.rounds} interleaved pairs of {args.duration} s", flush=True)
    with contextlib.ExitStack() as stack:
        standin = stack.enter_context(StandIn())
        on_env = {**NO_AUDIT_SPOOL, "LOGSTASH_HOST": "127.0.0.1", "LOGSTASH_PORT": str(standin.port),
                  "AUDIT_SPOOL_DIR": str(spool)}
        shipper = stack.enter_context(Background("ship-audit", env=on_env))
        servers = {"off": ApiServer(args.workers, env=NO_AUDIT_SPOOL), "on": ApiServer(args.workers, env=on_env)}
        for server in servers.values():
            stack.enter_context(server)
        fronts = {mode: stack.enter_context(front(server, args.nginx)) for mode, server in servers.items()}
        for mode, (base, _) in fronts.items():
            check_paths(base, {f"spool {mode}": PATH}, caller.headers)
        runs = {"off": ApiRuns(), "on": ApiRuns()}
        warmed = 0
        for mode in ("off", "on"):  # untimed: connections, caches, the spool's first lines
            result = run_wrk(f"warm-up, spool {mode}", fronts[mode][0] + PATH, caller.headers,
                             connections=args.connections, duration=2)
            warmed += (result.requests - result.non_2xx) if mode == "on" else 0
        for number in range(args.rounds):
            for mode in ("off", "on") if number % 2 == 0 else ("on", "off"):
                base, nginx = fronts[mode]
                meter = CpuMeter({"API (granian)": process_tree(servers[mode].pid),
                                  "ship-audit": process_tree(shipper.pid), "Logstash stand-in": lambda: [standin.pid],
                                  "nginx": process_tree(nginx), "MariaDB": lambda: named("mariadbd", "mysqld")})
                meter.start()
                result = run_wrk(f"round {number + 1}, spool {mode}", base + PATH, caller.headers,
                                 connections=args.connections, duration=args.duration)
                runs[mode].results.append(result)
                runs[mode].cpu.append(meter.stop())
                print(result.row(), flush=True)
        expected = runs["on"].answered + warmed
        standin.stored(expected, 30)
        deadline = time.monotonic() + 10
        while backlog(spool)[1] and time.monotonic() < deadline:  # the tail: requests wrk did not count
            time.sleep(0.1)
        stored, copies, posts = standin.stored()
        outcome = ApiOutcome(runs["off"], runs["on"], expected, stored, backlog(spool)[1], copies / max(posts, 1))
    describe_api(outcome)
    return outcome


def describe_api(outcome: ApiOutcome) -> None:
    off, on = outcome.off, outcome.on
    pairs = [b.rate / a.rate for a, b in zip(off.results, on.results, strict=True)]
    print(f"  spool off: {off.rate:,.0f} req/s, p50 {off.p50_ms():.1f} ms, worst p99 {off.p99_ms():.1f} ms;"
          f" spool on: {on.rate:,.0f} req/s, p50 {on.p50_ms():.1f} ms, worst p99 {on.p99_ms():.1f} ms;"
          f" errors {off.errors} / {on.errors}")
    verdict = "meets" if outcome.cost <= TARGET_COST else "MISSES"
    print(f"  on/off = {outcome.ratio:.3f} (per pair {min(pairs):.3f} to {max(pairs):.3f}): cost {outcome.cost:.1%}"
          f" of the requests/s; target cost ≤ {TARGET_COST:.0%} → {verdict}")
    for mode, runs in (("off", off), ("on", on)):
        groups = [share.name for share in runs.cpu[0]]
        print(f"  CPU per request, spool {mode} (ms): "
              + ", ".join(f"{name} {runs.cpu_ms(name):.3f}" for name in groups if runs.cpu_ms(name) >= 0.0005))
    print(f"  CPU per request, ms (API + shipper + stand-in | everything, wrk and MariaDB included):"
          f" off {off.cpu_ms(*AUDITED):.3f} | {off.cpu_ms():.3f}, on {on.cpu_ms(*AUDITED):.3f} | {on.cpu_ms():.3f}"
          f" → on/off {on.cpu_ms(*AUDITED) / off.cpu_ms(*AUDITED):.3f} | {on.cpu_ms() / off.cpu_ms():.3f}")
    print(f"  delivered: the stand-in stored {outcome.stored:,} distinct events for {outcome.expected:,} requests"
          f" answered 200 with the spool on (warm-up included; the servers' own events come on top)"
          f" → {'every one arrived' if outcome.arrived else 'MISSING EVENTS'}; bytes not yet shipped at the end"
          f" {outcome.left:,}; the shipper posted {outcome.batch:.1f} events per batch on average")
