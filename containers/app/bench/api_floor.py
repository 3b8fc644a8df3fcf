"""The floor of the API's serving stack on this machine: what no view can do better than.

    cd containers/app && ../../.venv/bin/python bench/api_floor.py [--duration 15] [--connections 64]

Serves, with the granian settings of `mymonit serve` (`server.api_server`: REST_WORKERS processes
x REST_THREADS threads, keep-alive) behind the nginx that bench/api_load.py renders from the project's template, and
drives with the same wrk: (1) a bare WSGI callable and (2) a Flask view, both answering the same
fixed JSON body as `GET /experiments/` gives the bench scientist, with no token, database, audit
or metrics, at the API's priority (REST_NICE). Whatever the real API does on top costs CPU beyond
these: bench/api_load.py reports the API's rate as a ratio of the Flask floor measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import orjson
import requests

from api_load_cpu import CpuMeter, describe, machine, tree
from api_load_stack import TLS_DIR, Nginx
from api_load_wrk import LoadResult, run_wrk, wrk_path
from bench_settings import load_bench_settings
from dataset import EXPERIMENTS
from serve_process import Background, free_port

# The body of GET /experiments/ for the bench scientist: the bench's five experiments.
BODY = orjson.dumps([{"experiment_id": i, "name": name} for i, name in enumerate(EXPERIMENTS, 1)])


def bare_app(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def flask_factory() -> Any:
    from flask import Flask, Response  # noqa: PLC0415  # only in the server process

    app = Flask("floor")

    @app.get("/experiments/")
    def experiments() -> Response:
        return Response(BODY, mimetype="application/json")

    return app


def bare_factory() -> Any:
    return bare_app


def serve(kind: str, port: int) -> None:
    """The server process: granian as `mymonit serve` runs it, with the floor's app in each worker."""
    from mymonit.server import api_server  # noqa: PLC0415  # only in the server process

    settings = load_bench_settings().model_copy(update={"REST_HOST": "127.0.0.1", "REST_PORT": port})
    os.nice(settings.REST_NICE)  # as `mymonit serve` does: the floor runs at the API's priority
    api_server(settings, f"api_floor:{kind}_factory").serve()


def measure_floor(kind: str, connections: int, duration: int) -> LoadResult:
    """wrk on one floor's app served as `mymonit serve` serves the API, behind the same nginx."""
    port = free_port()
    with Background(__file__, "--serve", kind, "--port", str(port), program=sys.executable,
                    ready_url=f"http://127.0.0.1:{port}/experiments/", timeout=30) as server, Nginx(port) as proxy:
        requests.get(proxy.base_url + "/experiments/", verify=str(TLS_DIR / "ca.crt"), timeout=5).raise_for_status()
        meter = CpuMeter({"server (granian)": lambda: tree(server.pid), "nginx": lambda: tree(proxy.pid)})
        meter.start()
        result = run_wrk(f"{kind} floor", proxy.base_url + "/experiments/", {},
                         connections=connections, duration=duration)
        print(result.row(), flush=True)
        print(describe(meter.stop(), result.requests, result.seconds), flush=True)
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run (default 15)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--serve", choices=("bare", "flask"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0
    wrk_path()
    print(f"serving-stack floor: {machine()}; {len(BODY)}-byte JSON body, nginx TLS in front")
    rates = {kind: measure_floor(kind, args.connections, args.duration).rate for kind in ("bare", "flask")}
    for kind, rate in rates.items():
        print(f"{kind} floor: {rate:,.0f} req/s (bench/api_load.py sets the API against the Flask floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
