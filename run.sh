#!/usr/bin/env bash
# The whole MyMONIT stack. With a Docker engine it uses docker compose;
# otherwise it runs natively: the infrastructure (run-infra.sh), the database
# migrations and demo data, the audit shipper (the audit trail into
# .run/audit.jsonl), the API under granian, the consumer, the alert evaluator,
# and nginx for TLS in front (https://localhost:8443).
#
#   ./run.sh [start]          start, then follow the logs; Ctrl-C stops what it started
#   ./run.sh demo             the same, plus a synthetic adapter publishing measures (or --demo)
#   ./run.sh --detach         start (add --demo for the adapter) and return once healthy
#   ./run.sh stop             stop the service, nginx and the infrastructure
#   ./run.sh status           one line per process
#   ./run.sh logs [NAME...]   follow the logs (api, consumer, alerts, rollups, shipper, audit, publisher, nginx, access, emulator)
#   ./run.sh token EMAIL      print a Firebase ID token of a demo user
set -euo pipefail
cd "$(dirname "$0")"

. scripts/lib/common.sh
. scripts/lib/tls.sh
. scripts/lib/nginx.sh
. scripts/lib/api.sh
. scripts/lib/workers.sh
. scripts/lib/logs.sh
. scripts/lib/compose.sh
# The web page's build (scripts/lib/web.sh: npm ci, then esbuild), when this checkout has it.
if [[ -r scripts/lib/web.sh ]]; then
    . scripts/lib/web.sh
fi

HEALTH_URL="https://localhost:$NGINX_HTTPS_PORT/health"

usage() {
    sed -n 's/^#   //p' "$0"
}

start_native() {
    local detach="$1" demo="$2" infra_was_up=0
    ./run-infra.sh status >/dev/null 2>&1 && infra_was_up=1
    ./run-infra.sh start
    load_env
    ensure_venv
    if declare -F web_build >/dev/null; then
        web_build
    fi
    run_cli "Database schema up to date" db upgrade
    run_cli "Demo data loaded" db demo
    run_cli "Demo users in the Auth Emulator" auth seed-demo
    # A failed start leaves nothing half-running.
    trap 'fail "start-up failed: stopping what was started"; stop_service >/dev/null' EXIT
    # The shipper first: it also takes over the spool files the commands above left.
    shipper_start
    api_start
    consumer_start
    alerts_start
    rollups_start
    nginx_start
    wait_healthy "$HEALTH_URL" "$TLS_CA" 60
    ((demo)) && publisher_start
    trap - EXIT
    print_welcome
    ((detach)) || run_foreground "$infra_was_up"
}

print_welcome() {
    local base="https://localhost:$NGINX_HTTPS_PORT" ca audit=""
    ca="$(rel_path "$TLS_CA")"
    if [[ -n "${AUDIT_FILE:-}" ]]; then
        audit=$'\n'"  Audit trail       $(rel_path "$AUDIT_FILE") (JSON lines: ./run.sh logs audit)"
    fi
    cat <<EOF

$(bold "MyMONIT is running")
  API               $base/experiments/ (and every path of the README)
  Web page          $base/
  Swagger UI        $base/docs
  RabbitMQ          http://127.0.0.1:15672 (management; user $RABBIT_USER, password RABBIT_PASSWORD in .env)
  Adapters publish  amqps://localhost:5671 (user $ADAPTER_USER, password ADAPTER_PASSWORD in .env)
  CA certificate    $ca   (curl --cacert $ca ..., RABBIT_CA_FILE=$ca)
  Logs              ./run.sh logs, or $(rel_path "$RUN_DIR")/*.log${audit}

  A token of a demo user (phigg@home.cern, kbouman@home.cern, aalcorn@home.cern):
    TOKEN=\$(./run.sh token phigg@home.cern)
    curl --cacert $ca -H "Authorization: Bearer \$TOKEN" $base/experiments/

EOF
}

# Stops the service's processes and nginx (not the infrastructure); the audit
# shipper last, once it has shipped what the others wrote until they exited.
stop_service() {
    publisher_stop
    rollups_stop
    alerts_stop
    consumer_stop
    api_stop
    nginx_stop
    shipper_stop
}

# Foreground: the logs until Ctrl-C or until a process exits, then stop what
# this run started (the infrastructure too, unless it was already running).
run_foreground() {
    local infra_was_up="$1" watch=(api) name
    consumer_alive && watch+=(consumer)
    alerts_alive && watch+=(alerts)
    rollups_alive && watch+=(rollups)
    shipper_alive && watch+=(shipper)
    publisher_alive && watch+=(publisher)
    info "Following the logs of ${watch[*]} and nginx; Ctrl-C stops everything this run started"
    follow_logs 0 "${watch[@]}" nginx
    trap 'echo; shutdown_foreground "$infra_was_up"; exit 0' INT TERM
    while true; do
        for name in "${watch[@]}"; do
            if ! "${name}_alive"; then
                trap - INT TERM
                fail "the $name process exited"
                log_tail "$(log_file "$name")"
                shutdown_foreground "$infra_was_up"
                exit 1
            fi
        done
        sleep 1
    done
}

shutdown_foreground() {
    stop_following
    stop_service
    if (($1)); then
        info "The infrastructure was already running: left running (./run.sh stop stops it)"
    else
        ./run-infra.sh stop
    fi
}

stop_native() {
    # The shipper's spool directory (AUDIT_SPOOL_DIR) comes from .env.
    if [[ -r "$ENV_FILE" ]]; then
        load_env
    fi
    stop_service
    ./run-infra.sh stop
}

# Exits 3 when a process is not running.
status_native() {
    local down=0
    ./run-infra.sh status || down=1
    load_env
    api_status || down=1
    consumer_status || down=1
    alerts_status || down=1
    rollups_status || down=1
    shipper_status || down=1
    publisher_status
    nginx_status || down=1
    return $((down * 3))
}

token_native() {
    local email="${1:-}" out
    [[ -n "$email" ]] || die "usage: ./run.sh token EMAIL"
    load_env
    [[ -x "$VENV_DIR/bin/mymonit" ]] || die "the service is not installed yet: run ./run.sh first"
    out="$(mymonit auth token "$email")" || die "no token for $email (is the stack running and the user seeded?)"
    # Only the token, whatever else the command printed.
    printf '%s\n' "$(grep -v '^[[:space:]]*$' <<<"$out" | tail -n 1)"
}

logs_native() {
    local names=("$@")
    ((${#names[@]})) || names=(api consumer alerts rollups shipper publisher nginx)
    # `audit` follows .env's AUDIT_FILE.
    if [[ -r "$ENV_FILE" ]]; then
        load_env
    fi
    follow_logs 20 "${names[@]}"
    trap 'stop_following; echo; exit 0' INT TERM
    wait
}

main() {
    local action="" detach=0 demo=0 rest=() arg
    for arg in "$@"; do
        case "$arg" in
            -d | --detach) detach=1 ;;
            --demo) demo=1 ;;
            -h | --help | help) usage; return 0 ;;
            *) if [[ -z "$action" ]]; then action="$arg"; else rest+=("$arg"); fi ;;
        esac
    done
    case "${action:=start}" in
        start) ;;
        demo) demo=1; action=start ;;
        stop | status | token | logs) ;;
        *) usage >&2; die "unknown command: $action" ;;
    esac
    ensure_run_dir
    if docker_available; then
        [[ "$action" == token ]] || info "Docker engine found: using docker compose"
        compose_main "$action" "$detach" "$demo" "${rest[@]}"
        return
    fi
    case "$action" in
        start) start_native "$detach" "$demo" ;;
        stop) stop_native ;;
        status) status_native ;;
        token) token_native "${rest[@]}" ;;
        logs) logs_native "${rest[@]}" ;;
    esac
}

main "$@"
