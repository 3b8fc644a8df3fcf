# shellcheck shell=bash
# The Python service in native mode: its virtualenv and the API process
# (`mymonit serve`, granian on REST_HOST:REST_PORT). Requires common.sh and
# a loaded .env.

APP_DIR="$MYMONIT_ROOT/containers/app"
VENV_DIR="$MYMONIT_ROOT/.venv"
VENV_STAMP="$VENV_DIR/.mymonit-pyproject.sha256"
API_PID="$RUN_DIR/api.pid"
API_LOG="$RUN_DIR/api.log"

# Creates .venv when missing; (re)installs the service when pyproject.toml
# changed since the last install, or when extras not installed yet are asked
# for with VENV_EXTRAS (e.g. VENV_EXTRAS="[dev]"). The stamp file holds the
# hash of pyproject.toml and the extras installed.
ensure_venv() {
    local wanted extras="${VENV_EXTRAS:-}" stamp_hash="" stamp_extras="" log="$RUN_DIR/pip.log"
    local started=$EPOCHREALTIME
    if [[ ! -x "$VENV_DIR/bin/python" ]]; then
        command -v python3 >/dev/null || die "python3 (3.11 or newer) is required"
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || die "Python 3.11 or newer is required ($(python3 --version 2>&1))"
        python3 -m venv "$VENV_DIR" >"$log" 2>&1 \
            || die_with_log "$log" "could not create .venv (on Debian: apt-get install python3-venv)"
    fi
    wanted="$(sha256sum "$APP_DIR/pyproject.toml" | cut -d' ' -f1)"
    if [[ -r "$VENV_STAMP" ]]; then
        { read -r stamp_hash || true; read -r stamp_extras || true; } <"$VENV_STAMP"
    fi
    if [[ "$stamp_hash" == "$wanted" && (-z "$extras" || "$extras" == "$stamp_extras") \
        && -x "$VENV_DIR/bin/mymonit" ]]; then
        ok "Python environment up to date (.venv${stamp_extras:+ with $stamp_extras})"
        return 0
    fi
    # A reinstall keeps the extras installed before.
    extras="${extras:-$stamp_extras}"
    info "Installing the service into .venv (pip install -e containers/app$extras)"
    "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check -e "$APP_DIR$extras" >"$log" 2>&1 \
        || die_with_log "$log" "pip install -e containers/app$extras failed"
    printf '%s\n%s\n' "$wanted" "$extras" >"$VENV_STAMP"
    ok "Python environment installed ($(elapsed_since "$started"))"
}

# mymonit COMMAND...: runs the service's CLI with .env in the environment.
mymonit() {
    "$VENV_DIR/bin/mymonit" "$@"
}

# run_cli LABEL COMMAND...: one progress line; the output goes to a log.
run_cli() {
    local label="$1" log="$RUN_DIR/cli.log"
    shift
    printf '\n$ mymonit %s\n' "$*" >>"$log"
    mymonit "$@" >>"$log" 2>&1 || die_with_log "$log" "mymonit $* failed"
    ok "$label"
}

api_alive() {
    pid_alive "$API_PID"
}

api_start() {
    if api_alive; then
        info "Restarting the API"
        api_stop >/dev/null
    fi
    if port_open "$REST_PORT"; then
        die "port $REST_PORT is already in use by another process: stop it or change REST_PORT in .env"
    fi
    printf '\n=== %s mymonit serve ===\n' "$(date -u +%FT%TZ)" >>"$API_LOG"
    start_detached "$API_PID" "$API_LOG" "$VENV_DIR/bin/mymonit" serve
    ok "API starting on http://$REST_HOST:$REST_PORT (log: $(rel_path "$API_LOG"))"
}

api_stop() {
    stop_group "$API_PID" "API"
}

api_status() {
    if api_alive; then
        ok "API         running on http://$REST_HOST:$REST_PORT (pid $(<"$API_PID"))"
    else
        fail "API         stopped"
        return 1
    fi
}

# Waits until URL answers 200 through nginx; fails early if the API exits.
wait_healthy() {
    local url="$1" cacert="$2" timeout="${3:-60}" started=$EPOCHREALTIME
    local deadline=$((SECONDS + timeout))
    until http_ok --cacert "$cacert" "$url"; do
        api_alive || die_with_log "$API_LOG" "the API exited during start-up"
        ((SECONDS < deadline)) || die_with_log "$API_LOG" "$url did not answer 200 within $timeout s"
        sleep 0.5
    done
    ok "Healthy: $url ($(elapsed_since "$started"))"
}
