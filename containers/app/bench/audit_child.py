"""The processes bench/audit.py starts: timed emitters, an emitter to kill, a Logstash stand-in.

    python bench/audit_child.py emit --spool-dir DIR --threads T --events N [--sync power]
    python bench/audit_child.py crash --spool-dir DIR --threads T
    python bench/audit_child.py standin

Each emitter configures logging as a service process does (`configure_logging`, the console on
/dev/null, a lane of its own in the spool DIR; `--spool-dir ''` leaves the spool off) with the
settings of .env, so redaction scrubs the real passwords. `emit` emits `WARMUP` events, prints
"ready", waits for a line on stdin, emits N events split over T threads (each `emit` timed),
prints one JSON line of figures (the process's CPU time meanwhile among them) and exits. `crash`
emits from T threads until it is killed, printing each event's `seq` once its `emit` has returned
(it is in the spool from then on). `standin` serves tests/support/logstash_standin.py on a free
port (with TCP_NODELAY, see there), prints the port, and answers each line "wait N SECONDS" on
stdin with "STORED COPIES POSTS" once N distinct events are stored (or the time is up).

The parent's side of that protocol is here too: `child` starts one, `stop` ends it, `StandIn`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType

from bench_settings import load_bench_settings
from mymonit.audit import AuditEvent, AuditTrail, configure_logging, reset_logging
from mymonit.audit.spool import Sync
from serve_process import wait_or_kill

WARMUP = 50


# --- the parent's side ---------------------------------------------------------------------------


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, *args],  # noqa: S603  # our own program
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen[str]) -> None:
    """Close its pipes (an emitter or the stand-in exits at the end of its stdin), wait, kill if need be."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    wait_or_kill(process)


class StandIn:
    """The Logstash stand-in in a process of its own (`audit_child.py standin`)."""

    def __enter__(self) -> StandIn:
        self._process = child("standin")
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        self.pid = self._process.pid
        return self

    def stored(self, at_least: int = 0, timeout: float = 0.0) -> tuple[int, int, int]:
        """(distinct events stored, copies received, batches posted), once `at_least` are stored or `timeout` is up."""
        process = self._process
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(f"wait {at_least} {timeout}\n")
        process.stdin.flush()
        distinct, copies, posts = process.stdout.readline().split()
        return int(distinct), int(copies), int(posts)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        stop(self._process)


# --- the children --------------------------------------------------------------------------------


def trail_for(spool_dir: str, sync: str, console: object) -> AuditTrail:
    """Spooling on (a Logstash host is named: nothing here connects to it) iff `spool_dir`."""
    settings = load_bench_settings().model_copy(update={
        "LOGSTASH_HOST": "127.0.0.1" if spool_dir else "", "AUDIT_FILE": "", "AUDIT_SPOOL_DIR": spool_dir or None,
        "AUDIT_SPOOL_SYNC": sync,
    })
    return configure_logging(settings, stream=console)  # type: ignore[arg-type]


def emit_one(trail: AuditTrail, thread: int, seq: int) -> None:
    """An event shaped like the consumer's `ingest:batch:stored`, numbered."""
    trail.emit(AuditEvent.INGEST_BATCH_STORED, count=500, duplicates=0, messages=5, batch_id=uuid.uuid4().hex,
               experiment_ids=[1, 2], duration_ms=12.5, thread=thread, seq=seq)


def emit(args: argparse.Namespace) -> None:
    with Path(os.devnull).open("w") as console:
        trail = trail_for(args.spool_dir, args.sync, console)
        for seq in range(WARMUP):
            emit_one(trail, 0, -1 - seq)
        go = threading.Event()
        per_thread = [args.events // args.threads + (t < args.events % args.threads) for t in range(args.threads)]
        latencies: list[list[float]] = [[] for _ in per_thread]

        def work(thread: int) -> None:
            go.wait()
            timed = latencies[thread]
            for seq in range(per_thread[thread]):
                started = time.perf_counter()
                emit_one(trail, thread, seq)
                timed.append(time.perf_counter() - started)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(args.threads)]
        for thread in threads:
            thread.start()
        print("ready", flush=True)
        sys.stdin.readline()
        start, cpu = time.monotonic(), time.process_time()  # CLOCK_MONOTONIC: comparable across processes
        go.set()
        for thread in threads:
            thread.join()
        end, cpu = time.monotonic(), time.process_time() - cpu
        reset_logging()
    print(json.dumps({"start": start, "end": end, "cpu": cpu,
                      "latencies_us": [round(s * 1e6, 1) for timed in latencies for s in timed]}), flush=True)


def crash(args: argparse.Namespace) -> None:
    console = Path(os.devnull).open("w")  # noqa: SIM115  # open until the kill
    trail = trail_for(args.spool_dir, Sync.PROCESS, console)
    numbers, printing = itertools.count(), threading.Lock()

    def work(thread: int) -> None:
        while True:
            seq = next(numbers)
            emit_one(trail, thread, seq)
            with printing:  # whole lines: the parent counts only those
                sys.stdout.write(f"{seq}\n")
                sys.stdout.flush()

    for thread in range(args.threads):
        threading.Thread(target=work, args=(thread,), daemon=True).start()
    threading.Event().wait()  # until SIGKILL


def standin() -> None:
    from logstash_standin import LogstashStandIn  # noqa: PLC0415  # tests/support, put on sys.path by bench_settings

    # The stand-in writes its answer's head and body apart; with Nagle's algorithm on, the body then
    # waits for the shipper's delayed ACK, ~40 ms a batch. Logstash (netty) answers in one write.
    http.server.BaseHTTPRequestHandler.disable_nagle_algorithm = True
    server = LogstashStandIn()
    print(server.port, flush=True)
    for line in sys.stdin:
        _, count, seconds = line.split()
        server.wait_for_stored(int(count), float(seconds))
        print(len(server.stored()), sum(server.copies().values()), len(server.bodies()), flush=True)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("emit", "crash", "standin"))
    parser.add_argument("--spool-dir", default="")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--sync", choices=[sync.value for sync in Sync], default=Sync.PROCESS.value)
    args = parser.parse_args()
    if args.mode == "emit":
        emit(args)
    elif args.mode == "crash":
        crash(args)
    else:
        standin()


if __name__ == "__main__":
    main()
