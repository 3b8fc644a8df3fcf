#!/usr/bin/env bash
# The infrastructure of MyMONIT: MariaDB/MySQL, RabbitMQ and the Firebase Auth
# Emulator. With a Docker engine it uses docker compose; otherwise it installs
# and runs the servers natively (Debian, root, no systemd needed), loopback only:
# MariaDB 127.0.0.1:3306, RabbitMQ 127.0.0.1:5672 (AMQP) and 5671 (AMQPS, CA in
# .run/tls/ca.crt), management http://127.0.0.1:15672, Auth Emulator 127.0.0.1:9099.
#
#   ./run-infra.sh [start]   start what is not running; safe to repeat
#   ./run-infra.sh stop      stop the servers
#   ./run-infra.sh status    one line per server
#
# Secrets live in .env (git-ignored, created on first run); runtime state in .run/.
set -euo pipefail
cd "$(dirname "$0")"

. scripts/lib/common.sh
. scripts/lib/packages.sh
. scripts/lib/tls.sh
. scripts/lib/mariadb.sh
. scripts/lib/rabbitmq.sh
. scripts/lib/auth_emulator.sh
. scripts/lib/compose.sh

COMPOSE_SERVICES=(mysql rabbit auth-emulator)
export COMPOSE_PROFILES=demo  # the Auth Emulator is in the demo profile

usage() {
    sed -n 's/^#   //p' "$0"
}

compose_command() {
    local action="$1"
    ensure_env_file
    case "$action" in
        start) compose_prepare && docker compose up -d --wait "${COMPOSE_SERVICES[@]}" ;;
        stop) docker compose stop "${COMPOSE_SERVICES[@]}" ;;
        status) docker compose ps "${COMPOSE_SERVICES[@]}" ;;
    esac
}

native_start() {
    ((EUID == 0)) || die "native mode runs the servers as system services: run it as root"
    ensure_native_packages
    ensure_node
    ensure_env_file
    load_env
    ensure_tls_certs
    mariadb_up
    rabbit_up
    emulator_up
}

native_stop() {
    load_env
    emulator_stop
    rabbit_stop
    mariadb_stop
}

# Exits 3 when a server is not running.
native_status() {
    local down=0
    load_env
    mariadb_status || down=1
    rabbit_status || down=1
    emulator_status || down=1
    return $((down * 3))
}

main() {
    local action="${1:-start}"
    case "$action" in
        start | stop | status) ;;
        -h | --help | help) usage; return 0 ;;
        *) usage >&2; die "unknown command: $action" ;;
    esac
    ensure_run_dir
    if docker_available; then
        info "Docker engine found: using docker compose"
        compose_command "$action"
        return
    fi
    "native_$action"
}

main "$@"
