# shellcheck shell=bash
# Firebase Auth Emulator (development and tests only): firebase-tools pinned
# in containers/auth-emulator/package-lock.json, listening on 127.0.0.1:9099
# as firebase.json says. It keeps its users in memory only.
# Requires common.sh and a loaded .env (FIREBASE_PROJECT_ID).

EMULATOR_DIR="$MYMONIT_ROOT/containers/auth-emulator"
EMULATOR_URL="http://127.0.0.1:9099/"
EMULATOR_PID="$RUN_DIR/auth-emulator.pid"
EMULATOR_LOG="$RUN_DIR/auth-emulator.log"
EMULATOR_STAMP="$EMULATOR_DIR/node_modules/.mymonit-lock.sha256"

emulator_alive() {
    curl -s -o /dev/null --max-time 2 "$EMULATOR_URL"
}

ensure_node() {
    local version
    version="$(node --version 2>/dev/null)" \
        || die "Node.js is required for the Firebase Auth Emulator (node --version failed); install Node.js 20 or newer"
    if ! [[ "$version" =~ ^v([0-9]+) ]] || ((BASH_REMATCH[1] < 20)); then
        die "Node.js $version is too old for firebase-tools: install Node.js 20 or newer"
    fi
    command -v npm >/dev/null || die "npm is required for the Firebase Auth Emulator"
    ok "Node.js $version"
}

# npm ci only when node_modules is missing or older than package-lock.json
# (or was built by another Node.js major version).
emulator_install() {
    local wanted log="$RUN_DIR/auth-emulator-npm.log" started=$EPOCHREALTIME
    wanted="$(cat "$EMULATOR_DIR/package-lock.json" <(node --version | cut -d. -f1) | sha256sum | cut -d' ' -f1)"
    if [[ -x "$EMULATOR_DIR/node_modules/.bin/firebase" && "$(cat "$EMULATOR_STAMP" 2>/dev/null)" == "$wanted" ]]; then
        ok "firebase-tools up to date"
        return 0
    fi
    info "Installing firebase-tools with npm ci (about 2 minutes, ~300 MB)"
    (cd "$EMULATOR_DIR" && npm ci --no-audit --no-fund) >"$log" 2>&1 \
        || die_with_log "$log" "npm ci failed in $(rel_path "$EMULATOR_DIR")"
    echo "$wanted" >"$EMULATOR_STAMP"
    ok "firebase-tools installed ($(elapsed_since "$started"))"
}

emulator_start() {
    local started=$EPOCHREALTIME
    if emulator_alive; then
        ok "Auth Emulator already running on 127.0.0.1:9099"
        return 0
    fi
    (
        cd "$EMULATOR_DIR" || exit 1
        NO_UPDATE_NOTIFIER=1 start_detached "$EMULATOR_PID" "$EMULATOR_LOG" \
            ./node_modules/.bin/firebase emulators:start --only auth --project "$FIREBASE_PROJECT_ID"
    )
    local deadline=$((SECONDS + 60))
    until emulator_alive; do
        if ! pid_alive "$EMULATOR_PID" || ((SECONDS >= deadline)); then
            fail "Auth Emulator did not answer on $EMULATOR_URL (exited, or not within 60 s)"
            log_tail "$EMULATOR_LOG"
            stop_group "$EMULATOR_PID" "Auth Emulator" >/dev/null
            exit 1
        fi
        sleep 0.25
    done
    ok "Auth Emulator ready on 127.0.0.1:9099, project $FIREBASE_PROJECT_ID ($(elapsed_since "$started"))"
}

emulator_up() {
    emulator_install
    emulator_start
}

emulator_stop() {
    if [[ ! -e "$EMULATOR_PID" ]] && emulator_alive; then
        warn "Auth Emulator on 127.0.0.1:9099 was not started by run-infra.sh: left alone"
        return 0
    fi
    stop_group "$EMULATOR_PID" "Auth Emulator"
}

emulator_status() {
    if emulator_alive; then
        ok "Auth Emulator running on 127.0.0.1:9099 (project $FIREBASE_PROJECT_ID, users in memory)"
    else
        fail "Auth Emulator stopped"
        return 1
    fi
}
