# shellcheck shell=bash
# Native RabbitMQ: loopback only, started without systemd. Plain AMQP on
# 127.0.0.1:5672, AMQPS on 127.0.0.1:5671 with the certificate of tls.sh
# (adapters and the service verify it against .run/tls/ca.crt).
# Requires common.sh, tls.sh and a loaded .env (RABBIT_* and ADAPTER_* variables).

RABBIT_CONF=/etc/rabbitmq/rabbitmq.conf
RABBIT_ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf
RABBIT_PLUGINS_FILE=/etc/rabbitmq/enabled_plugins
RABBIT_NODE_PID="/var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid"
RABBIT_LOG="/var/log/rabbitmq/rabbit@$(hostname -s).log"
RABBIT_TEST_VHOST=mymonit_test
RABBIT_MANAGEMENT_URL=http://127.0.0.1:15672
# The broker runs as the rabbitmq user: it gets its own copy of the key.
RABBIT_TLS_DIR=/etc/rabbitmq/tls
RABBIT_TLS_PORT=5671

# Any Erlang tool may start epmd; this keeps one started by our calls on loopback.
export ERL_EPMD_ADDRESS=127.0.0.1

# The broker's process is alive (its pid file names a running Erlang VM).
rabbit_alive() {
    local pid
    [[ -s "$RABBIT_NODE_PID" ]] || return 1
    pid="$(<"$RABBIT_NODE_PID")"
    [[ "$pid" =~ ^[0-9]+$ && "$(cat "/proc/$pid/comm" 2>/dev/null)" == beam* ]]
}

# write_if_changed FILE CONTENT: returns 0 when FILE was (re)written.
_rabbit_write_if_changed() {
    if [[ -r "$1" && "$(<"$1")" == "$2" ]]; then
        return 1
    fi
    printf '%s\n' "$2" >"$1"
    chmod 644 "$1"
}

# Returns 0 when a setting changed.
rabbit_configure() {
    local changed=1
    _rabbit_install_tls && changed=0
    _rabbit_write_if_changed "$RABBIT_CONF" "# Written by run-infra.sh (MyMONIT, native development). Loopback only.
listeners.tcp.default = 127.0.0.1:5672
listeners.ssl.default = 127.0.0.1:$RABBIT_TLS_PORT
ssl_options.cacertfile = $RABBIT_TLS_DIR/ca.crt
ssl_options.certfile = $RABBIT_TLS_DIR/server.crt
ssl_options.keyfile = $RABBIT_TLS_DIR/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
loopback_users.guest = true" && changed=0
    _rabbit_write_if_changed "$RABBIT_ENV_CONF" "# Written by run-infra.sh (MyMONIT, native development). Loopback only.
NODE_IP_ADDRESS=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"" && changed=0
    if ! grep -qs rabbitmq_management "$RABBIT_PLUGINS_FILE"; then
        rabbitmq-plugins enable --offline rabbitmq_management >"$RUN_DIR/rabbitmq-plugins.log" 2>&1 \
            || die_with_log "$RUN_DIR/rabbitmq-plugins.log" "could not enable rabbitmq_management"
        changed=0
    fi
    return "$changed"
}

# Copies the CA, the server certificate and its key where the rabbitmq user
# can read them. Returns 0 when a file changed (the broker must restart).
_rabbit_install_tls() {
    local name changed=1
    ensure_tls_certs >/dev/null
    install -d -o rabbitmq -g rabbitmq -m 750 "$RABBIT_TLS_DIR"
    for name in ca.crt server.crt server.key; do
        if ! cmp -s "$TLS_DIR/$name" "$RABBIT_TLS_DIR/$name"; then
            install -o rabbitmq -g rabbitmq -m 600 "$TLS_DIR/$name" "$RABBIT_TLS_DIR/$name"
            changed=0
        fi
    done
    return "$changed"
}

# Is epmd (port 4369) listening on an address other than loopback?
_rabbit_epmd_public() {
    awk '$4 == "0A" && $2 ~ /:1111$/ && $2 !~ /^(0100007F|0{24}01000000):/ { found = 1 }
         END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# epmd outlives the broker, and an Erlang tool run earlier may have started it
# on all interfaces: restart it on loopback while no node is registered.
_rabbit_epmd_loopback() {
    local names
    _rabbit_epmd_public || return 0
    names="$(epmd -names 2>/dev/null || true)"
    if grep -q '^name ' <<<"$names"; then
        warn "epmd listens on all interfaces and still serves a node: left as is"
    else
        epmd -kill >/dev/null 2>&1 || true
    fi
}

rabbit_start() {
    local started=$EPOCHREALTIME
    _rabbit_epmd_loopback
    rm -f "$RABBIT_NODE_PID"  # stale after a crash; 'wait' must see the new one
    rabbitmq-server -detached >"$RUN_DIR/rabbitmq-start.log" 2>&1 \
        || die_with_log "$RUN_DIR/rabbitmq-start.log" "rabbitmq-server -detached failed"
    # 'wait' needs the pid file, which appears a moment after -detached returns.
    wait_until 30 test -s "$RABBIT_NODE_PID" || die_with_log "$RABBIT_LOG" "RabbitMQ wrote no pid file within 30 s"
    rabbitmqctl wait "$RABBIT_NODE_PID" --timeout 120 >>"$RUN_DIR/rabbitmq-start.log" 2>&1 \
        || die_with_log "$RABBIT_LOG" "RabbitMQ did not start within 120 s"
    wait_until 30 port_open "$RABBIT_TLS_PORT" \
        || die_with_log "$RABBIT_LOG" "RabbitMQ opened no TLS listener on port $RABBIT_TLS_PORT"
    ok "RabbitMQ started on 127.0.0.1:5672 and amqps://localhost:$RABBIT_TLS_PORT ($(elapsed_since "$started"))"
}

rabbit_stop() {
    if ! rabbit_alive; then
        info "RabbitMQ not running"
        return 0
    fi
    # With the pid file, stop returns once the VM has exited.
    rabbitmqctl stop "$RABBIT_NODE_PID" >"$RUN_DIR/rabbitmq-stop.log" 2>&1 \
        || die_with_log "$RUN_DIR/rabbitmq-stop.log" "rabbitmqctl stop failed"
    ok "RabbitMQ stopped"
}

# RabbitMQ's password hash (rabbit_password_hashing_sha256):
# base64(salt + sha256(salt + password)) with a 4-byte random salt.
_rabbit_password_hash() {
    local salt
    salt="$(openssl rand -hex 4 | sed 's/../\\x&/g')"
    {
        printf '%b' "$salt"
        { printf '%b' "$salt" && printf '%s' "$1"; } | openssl dgst -sha256 -binary
    } | base64 -w0
}

_rabbit_permission() {
    printf '{"user": "%s", "vhost": "%s", "configure": "%s", "write": "%s", "read": "%s"}' "$@"
}

# Users, vhosts and permissions as RabbitMQ definitions (JSON). Imported
# through stdin, so that no password appears in a process list or a file.
_rabbit_definitions() {
    local svc="$RABBIT_USER" pub="$ADAPTER_USER" vhost="${RABBIT_VHOST:-/}" test="$RABBIT_TEST_VHOST"
    cat <<EOF
{
  "users": [
    {"name": "$svc", "password_hash": "$(_rabbit_password_hash "$RABBIT_PASSWORD")",
     "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ["monitoring"]},
    {"name": "$pub", "password_hash": "$(_rabbit_password_hash "$ADAPTER_PASSWORD")",
     "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}
  ],
  "vhosts": [{"name": "$vhost"}, {"name": "$test"}],
  "permissions": [
    $(_rabbit_permission "$svc" "$vhost" ".*" ".*" ".*"),
    $(_rabbit_permission "$svc" "$test" ".*" ".*" ".*"),
    $(_rabbit_permission "$pub" "$vhost" "^$" "^${RABBIT_EXCHANGE}\$" "^$"),
    $(_rabbit_permission "$pub" "$test" "^$" "^${RABBIT_EXCHANGE}.*" "^$")
  ]
}
EOF
}

# Accounts: RABBIT_USER (the service: everything on its vhosts, monitoring
# tag) and ADAPTER_USER (publish-only to the exchange). Passwords always end
# up equal to .env. The default guest account is removed.
rabbit_provision() {
    local log="$RUN_DIR/rabbitmq-provision.log"
    local users
    _rabbit_definitions | rabbitmqctl import_definitions --format json >"$log" 2>&1 \
        || die_with_log "$log" "could not import the RabbitMQ users and permissions"
    # The import runs asynchronously: wait until the service account logs in.
    wait_until 30 _rabbit_service_login \
        || die_with_log "$RABBIT_LOG" "RabbitMQ user $RABBIT_USER cannot log in with RABBIT_PASSWORD"
    users="$(rabbitmqctl -q list_users 2>>"$log")" || die_with_log "$log" "rabbitmqctl list_users failed"
    if grep -q '^guest[[:space:]]' <<<"$users"; then
        rabbitmqctl delete_user guest >>"$log" 2>&1 || die_with_log "$log" "could not delete the guest user"
    fi
    ok "RabbitMQ ready on 127.0.0.1:5672 and amqps://localhost:$RABBIT_TLS_PORT (users $RABBIT_USER, $ADAPTER_USER; vhosts ${RABBIT_VHOST:-/}, $RABBIT_TEST_VHOST; management on $RABBIT_MANAGEMENT_URL)"
}

# The service account logs in to the management API (password through stdin).
_rabbit_service_login() {
    printf 'user = "%s:%s"\n' "$RABBIT_USER" "$RABBIT_PASSWORD" \
        | curl -sf -o /dev/null --max-time 2 -K - "$RABBIT_MANAGEMENT_URL/api/whoami"
}

rabbit_up() {
    local changed=0
    rabbit_configure && changed=1
    if rabbit_alive; then
        if ((changed)); then
            info "RabbitMQ settings changed: restarting it"
            rabbit_stop
            rabbit_start
        fi
        # The process may still be booting (started by another script a moment ago).
        rabbitmqctl wait "$RABBIT_NODE_PID" --timeout 120 >>"$RUN_DIR/rabbitmq-start.log" 2>&1 \
            || die_with_log "$RABBIT_LOG" "RabbitMQ is running but did not finish starting within 120 s"
    else
        rabbit_start
    fi
    rabbit_provision
}

rabbit_status() {
    if rabbit_alive && port_open 5672 && port_open "$RABBIT_TLS_PORT"; then
        ok "RabbitMQ    running on 127.0.0.1:5672, amqps://localhost:$RABBIT_TLS_PORT (management $RABBIT_MANAGEMENT_URL)"
    elif rabbit_alive; then
        warn "RabbitMQ    starting (process up, port 5672 or $RABBIT_TLS_PORT not open yet)"
        return 1
    else
        fail "RabbitMQ    stopped"
        return 1
    fi
}
