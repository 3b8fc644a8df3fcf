#!/usr/bin/env bash
# Every check of MyMONIT: lint (ruff), types (mypy), dead code (vulture), security (bandit) and the
# tests (pytest with coverage: unit, then integration against the real MariaDB, RabbitMQ and Auth
# Emulator that run-infra.sh starts). Reports go to reports/. Exits non-zero if any check fails.
#
#   ./run-checks.sh            everything
#   ./run-checks.sh --fast     lint, types, dead code and unit tests only (no servers needed)
set -euo pipefail
cd "$(dirname "$0")"

. scripts/lib/common.sh
. scripts/lib/api.sh

REPORTS="$MYMONIT_ROOT/reports"
FAILED=()

# check NAME COMMAND...: runs one check, its output teed to reports/NAME.txt.
check() {
    local name="$1" started=$EPOCHREALTIME
    shift
    info "$name"
    if "$@" >"$REPORTS/$name.txt" 2>&1; then
        ok "$name passed ($(elapsed_since "$started"))"
        # The test runner's own closing line ("=== N passed in …"), so the log says what ran.
        grep -E '^=+ .*(passed|failed).* =+$' "$REPORTS/$name.txt" | tail -n 1 || true
    else
        FAILED+=("$name")
        fail "$name failed ($(elapsed_since "$started")): see $(rel_path "$REPORTS/$name.txt")"
        tail -n 40 "$REPORTS/$name.txt" >&2
    fi
}

pytest_run() {
    local suite="$1"
    shift
    (cd "$APP_DIR" && "$VENV_DIR/bin/python" -m pytest "tests/$suite" --junitxml="$REPORTS/junit-$suite.xml" \
        --cov --cov-append --cov-report= -p no:cacheprovider "$@")
}

coverage_report() {
    (cd "$APP_DIR" && "$VENV_DIR/bin/coverage" report \
        && "$VENV_DIR/bin/coverage" html -q -d "$REPORTS/coverage" && "$VENV_DIR/bin/coverage" xml -q \
        -o "$REPORTS/coverage.xml")
}

main() {
    local fast=0
    [[ "${1:-}" == "--fast" ]] && fast=1
    ensure_run_dir
    rm -rf "$REPORTS" && mkdir -p "$REPORTS"
    ((fast)) || ./run-infra.sh start
    VENV_EXTRAS="[dev]" ensure_venv
    export COVERAGE_FILE="$REPORTS/.coverage"

    check ruff "$VENV_DIR/bin/ruff" check "$APP_DIR"
    check mypy bash -c "cd '$APP_DIR' && '$VENV_DIR/bin/mypy'"
    # src/ and tests/ at --min-confidence 60, with vulture_allowlist.py ([tool.vulture] in pyproject.toml).
    check vulture bash -c "cd '$APP_DIR' && '$VENV_DIR/bin/vulture'"
    check bandit "$VENV_DIR/bin/bandit" -q -c "$APP_DIR/pyproject.toml" -r "$APP_DIR/src"
    check unit-tests pytest_run unit
    ((fast)) || check integration-tests pytest_run integration
    check coverage coverage_report
    # Further checks (deployment files, end-to-end tests, ...) live one file each in
    # scripts/checks/: each defines checks_NAME(), called with $fast, which runs `check ...`.
    local file name
    for file in scripts/checks/*.sh; do
        [[ -e "$file" ]] || continue
        # shellcheck source=/dev/null
        . "$file"
        name="$(basename "$file" .sh)"
        "checks_${name//-/_}" "$fast"
    done

    if ((${#FAILED[@]})); then
        die "failed: ${FAILED[*]}"
    fi
    ok "all checks passed; reports in $(rel_path "$REPORTS")/"
}

main "$@"
