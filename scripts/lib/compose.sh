# shellcheck shell=bash
# run.sh where a Docker engine answers: the stack of docker-compose.yml with
# the demo profile (Auth Emulator, demo data), and the adapter profile (the
# synthetic adapter) for ./run.sh demo. The scripts generate what the
# file needs and never commits: .env (secrets), .run/tls (CA and server
# certificate) and .run/compose/rabbitmq/definitions.json (broker accounts).
# Requires common.sh and tls.sh.

COMPOSE_DIR="$RUN_DIR/compose"

# The broker's users, vhosts and permissions, with .env's passwords hashed.
_compose_rabbit_definitions() {
    # shellcheck source=rabbitmq.sh
    . "$MYMONIT_ROOT/scripts/lib/rabbitmq.sh"
    load_env
    mkdir -p "$COMPOSE_DIR/rabbitmq"
    (umask 077 && _rabbit_definitions >"$COMPOSE_DIR/rabbitmq/definitions.json")
    # The certs service reads it as root; nothing else mounts this directory.
    ok "Broker accounts written to $(rel_path "$COMPOSE_DIR/rabbitmq/definitions.json")"
}

compose_prepare() {
    ensure_env_file
    ensure_tls_certs
    _compose_rabbit_definitions
    export COMPOSE_PROFILES=demo COMPOSE_AUTH_EMULATOR_HOST=auth-emulator:9099
}

compose_welcome() {
    cat <<EOF

$(bold "MyMONIT is running in containers")
  API             https://localhost/experiments/     Web page https://localhost/    Swagger UI https://localhost/docs
  Adapters        amqps://localhost:5671 (user ADAPTER_USER, password ADAPTER_PASSWORD in .env)
  Kibana          https://localhost:5601 (user elastic, password ELASTIC_PASSWORD in .env)
  CA certificate  $(rel_path "$TLS_CA")
  A token:        TOKEN=\$(./run.sh token phigg@home.cern)
                  curl --cacert $(rel_path "$TLS_CA") -H "Authorization: Bearer \$TOKEN" https://localhost/experiments/
EOF
}

# compose_main ACTION DETACH DEMO [ARG...]
compose_main() {
    local action="$1" detach="$2" demo="$3"
    shift 3
    case "$action" in
        start)
            compose_prepare
            ((demo)) && export COMPOSE_PROFILES=demo,adapter
            if ((detach)); then
                docker compose up --build --detach --wait
                compose_welcome
            else
                compose_welcome
                docker compose up --build
            fi
            ;;
        stop) COMPOSE_PROFILES=demo,adapter docker compose down ;;
        status) COMPOSE_PROFILES=demo,adapter docker compose ps ;;
        logs) COMPOSE_PROFILES=demo,adapter docker compose logs --follow "$@" ;;
        token)
            [[ -n "${1:-}" ]] || die "usage: ./run.sh token EMAIL"
            docker compose exec -T app mymonit auth token "$1" | tail -n 1
            ;;
    esac
}
