"""wrk (Debian's package) as the load generator: one run, its figures read back as JSON.

wrk is a C client on epoll, so on a 2-core machine it costs far less CPU than the server it loads.
It does not verify certificates (the proxy's certificate is checked once with the CA beforehand).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# done() runs once at the end with every thread's figures merged.
_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write("WRK_JSON ", string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d,'
    .. ' "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %f}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True, slots=True)
class LoadResult:
    name: str
    requests: int
    seconds: float
    bytes: int
    errors: int
    non_2xx: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    ingest_rate: float = 0.0  # measures/s stored during the run, when ingest ran meanwhile

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def row(self) -> str:
        return (f"  {self.name:<34} {self.rate:>9,.0f} req/s  p50 {self.p50_ms:>6.1f} ms  p90 {self.p90_ms:>6.1f} ms"
                f"  p99 {self.p99_ms:>6.1f} ms  max {self.max_ms:>7.1f} ms  errors {self.errors}"
                f" ({self.requests:,} requests, {self.bytes / self.seconds / 2**20:,.1f} MiB/s)")


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: containers/app/bench/install-tools.sh installs it")
    return path


def run_wrk(name: str, url: str, headers: dict[str, str], *, connections: int, duration: int,
            threads: int = 2) -> LoadResult:
    """Blocks for `duration` seconds; errors count socket errors, timeouts and non-2xx answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_REPORT)
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
               "-s", script.name]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    try:
        done = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60,  # noqa: S603
                              check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    figures = json.loads(line.removeprefix("WRK_JSON "))
    socket_errors = sum(figures[key] for key in ("connect", "read", "write", "timeout"))
    return LoadResult(
        name=name, requests=figures["requests"], seconds=figures["duration_us"] / 1e6, bytes=figures["bytes"],
        errors=socket_errors + figures["status"], non_2xx=figures["status"],
        p50_ms=figures["p50_us"] / 1000, p90_ms=figures["p90_us"] / 1000, p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
    )
