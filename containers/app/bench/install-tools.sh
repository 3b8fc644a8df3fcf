#!/usr/bin/env bash
# The tools the benchmarks drive the service with, beyond what ./run-infra.sh and ./run.sh install:
# Debian's wrk (bench/api_load.py, bench/api_floor.py) and nginx. Idempotent; root installs.
#   containers/app/bench/install-tools.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/common.sh"
source "$MYMONIT_ROOT/scripts/lib/packages.sh"
mkdir -p "$RUN_DIR"
ensure_packages wrk nginx
