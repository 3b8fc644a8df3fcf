#!/usr/bin/env bash
# The whole MyMONIT stack. With a Docker engine it uses docker compose;
# otherwise it runs natively: the infrastructure (run-infra.sh), the API under
# gunicorn and nginx for TLS, with the demo data loaded.
#
#   ./run.sh [start]          start, then follow the API log; Ctrl-C stops the API and nginx
#   ./run.sh --detach         start and return once healthy
#   ./run.sh stop             stop the API, nginx and the infrastructure
#   ./run.sh status           one line per server
#   ./run.sh token EMAIL      print a Firebase ID token of a demo user
set -euo pipefail
cd "$(dirname "$0")"

. scripts/lib/common.sh
. scripts/lib/tls.sh
. scripts/lib/nginx.sh
. scripts/lib/api.sh

HEALTH_URL="https://localhost:$NGINX_HTTPS_PORT/health"

usage() {
    sed -n '6,10s/^#   //p' "$0"
}

start_native() {
    local detach="$1"
    ./run-infra.sh start
    load_env
    ensure_venv
    run_cli "Database schema up to date" db upgrade
    run_cli "Demo data loaded" db demo
    run_cli "Demo users in the Auth Emulator" auth seed-demo
    # A failed start leaves nothing half-running.
    trap 'fail "start-up failed: stopping the API and nginx"; api_stop >/dev/null; nginx_stop >/dev/null' EXIT
    api_start
    nginx_start
    wait_healthy "$HEALTH_URL" "$TLS_DIR/ca.crt" 60
    trap - EXIT
    print_welcome
    ((detach)) || follow_api_log
}

print_welcome() {
    local base="https://localhost:$NGINX_HTTPS_PORT" ca
    ca="$(rel_path "$TLS_DIR/ca.crt")"
    cat <<EOF

$(bold "MyMONIT is running")
  API            $base/
  Swagger UI     $base/docs
  CA certificate $ca   (curl --cacert $ca ...)
  Logs           $(rel_path "$RUN_DIR")/   (api.log, nginx/access.log, auth-emulator.log)

  A token of a demo user (phigg@home.cern, kbouman@home.cern, aalcorn@home.cern):
    TOKEN=\$(./run.sh token phigg@home.cern)
    curl --cacert $ca -H "Authorization: Bearer \$TOKEN" $base/experiments/

EOF
}

# Foreground mode: show the API log until Ctrl-C, then stop the API and nginx
# (the infrastructure keeps running; ./run.sh stop stops it too).
follow_api_log() {
    local tail_pid
    info "Following $(rel_path "$API_LOG"); Ctrl-C stops the API and nginx"
    tail -n 0 -F "$API_LOG" &
    tail_pid=$!
    trap 'kill "$tail_pid" 2>/dev/null; echo; api_stop; nginx_stop; exit 0' INT TERM
    while api_alive; do
        sleep 1
    done
    kill "$tail_pid" 2>/dev/null || true
    trap - INT TERM
    nginx_stop
    die_with_log "$API_LOG" "the API exited"
}

stop_native() {
    api_stop
    nginx_stop
    ./run-infra.sh stop
}

status_native() {
    local down=0
    ./run-infra.sh status || down=1
    load_env
    api_status || down=1
    nginx_status || down=1
    return $((down * 3))
}

token() {
    local email="${1:-}" out
    [[ -n "$email" ]] || die "usage: ./run.sh token EMAIL"
    load_env
    [[ -x "$VENV_DIR/bin/mymonit" ]] || die "the service is not installed yet: run ./run.sh first"
    out="$(mymonit auth token "$email")" || die "no token for $email (is the stack running and the user seeded?)"
    # Only the token, whatever else the command printed.
    printf '%s\n' "$(grep -v '^[[:space:]]*$' <<<"$out" | tail -n 1)"
}

compose() {
    ensure_env_file
    case "$1" in
        start) ensure_tls_certs; docker compose up --build ;;
        detach) ensure_tls_certs; docker compose up -d --build ;;
        stop) docker compose down ;;
        status) docker compose ps ;;
        token) docker compose exec -T app mymonit auth token "$2" | tail -n 1 ;;
    esac
}

main() {
    local action="${1:-start}"
    case "$action" in
        -d | --detach) action=detach ;;
        start) [[ "${2:-}" == --detach || "${2:-}" == -d ]] && action=detach ;;
        stop | status | token) ;;
        -h | --help | help) usage; return 0 ;;
        *) usage >&2; die "unknown command: $action" ;;
    esac
    ensure_run_dir
    if docker_available; then
        [[ "$action" == token ]] || info "Docker engine found: using docker compose"
        compose "$action" "${2:-}"
        return
    fi
    case "$action" in
        start) start_native 0 ;;
        detach) start_native 1 ;;
        stop) stop_native ;;
        status) status_native ;;
        token) token "${2:-}" ;;
    esac
}

main "$@"
