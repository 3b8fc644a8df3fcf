# shellcheck shell=bash
# nginx as the TLS reverse proxy in native mode, run from .run/nginx without
# touching /etc/nginx: https://localhost:8443 (NGINX_HTTPS_PORT), and
# http://localhost:8080 (NGINX_HTTP_PORT) redirecting to it.
# Requires common.sh, tls.sh and a loaded .env (REST_PORT).

NGINX_TEMPLATE="$MYMONIT_ROOT/containers/nginx/nginx.conf.template"
NGINX_RENDER="$MYMONIT_ROOT/containers/nginx/render-config.sh"
NGINX_DIR="${NGINX_DIR:-$RUN_DIR/nginx}"
NGINX_CONF="$NGINX_DIR/nginx.conf"
NGINX_PID="$NGINX_DIR/nginx.pid"
NGINX_HTTP_PORT="${NGINX_HTTP_PORT:-8080}"
NGINX_HTTPS_PORT="${NGINX_HTTPS_PORT:-8443}"
# Per client address, and every local client shares 127.0.0.1: a steady rate,
# a burst on top of it, and concurrent connections. The load benchmark renders
# its own instance with higher limits (bench/api_load.py).
NGINX_RATE="${NGINX_RATE:-100r/s}"
NGINX_BURST="${NGINX_BURST:-200}"
NGINX_CONN_LIMIT="${NGINX_CONN_LIMIT:-50}"
NGINX_MAX_BODY="${NGINX_MAX_BODY:-1m}"
NGINX_WORKER_USER=www-data

_nginx() {
    nginx -p "$NGINX_DIR" -c "$NGINX_CONF" -e "$NGINX_DIR/error.log" "$@"
}

# Renders the template for native mode (loopback, logs in .run/nginx) and
# checks it with nginx -t.
nginx_render() {
    local user_line="# Not root: workers run as the current user."
    if ((EUID == 0)); then
        user_line="user $NGINX_WORKER_USER;"
    fi
    mkdir -p "$NGINX_DIR"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
    if ((EUID == 0)); then
        chown -R "$NGINX_WORKER_USER" "$NGINX_DIR/tmp"
    fi
    (
        export NGINX_USER_LINE="$user_line" NGINX_DIR TLS_DIR NGINX_RATE NGINX_BURST NGINX_CONN_LIMIT NGINX_MAX_BODY
        export NGINX_ERROR_LOG="$NGINX_DIR/error.log" NGINX_ACCESS_LOG="$NGINX_DIR/access.log"
        export API_UPSTREAM="127.0.0.1:$REST_PORT" NGINX_PUBLIC_PORT_SUFFIX=":$NGINX_HTTPS_PORT"
        export NGINX_HTTP_LISTEN="127.0.0.1:$NGINX_HTTP_PORT" NGINX_HTTPS_LISTEN="127.0.0.1:$NGINX_HTTPS_PORT"
        "$NGINX_RENDER" "$NGINX_TEMPLATE" "$NGINX_CONF"
    ) >"$NGINX_DIR/test.log" 2>&1 || die_with_log "$NGINX_DIR/test.log" "could not render $(rel_path "$NGINX_TEMPLATE")"
    _nginx -t -q >"$NGINX_DIR/test.log" 2>&1 || die_with_log "$NGINX_DIR/test.log" "nginx rejected $(rel_path "$NGINX_CONF")"
}

nginx_alive() {
    pid_alive "$NGINX_PID"
}

# Starts nginx, or reloads it when it already runs (the configuration may have changed).
nginx_start() {
    ensure_tls_certs
    nginx_render
    if nginx_alive; then
        _nginx -s reload >>"$NGINX_DIR/error.log" 2>&1 || die_with_log "$NGINX_DIR/error.log" "nginx reload failed"
        ok "nginx reloaded on https://localhost:$NGINX_HTTPS_PORT"
        return 0
    fi
    local port
    for port in "$NGINX_HTTP_PORT" "$NGINX_HTTPS_PORT"; do
        port_open "$port" && die "port $port is already in use by another process (NGINX_HTTP_PORT/NGINX_HTTPS_PORT change it)"
    done
    _nginx >>"$NGINX_DIR/error.log" 2>&1 || die_with_log "$NGINX_DIR/error.log" "nginx did not start"
    wait_until 10 nginx_alive || die_with_log "$NGINX_DIR/error.log" "nginx wrote no pid file"
    ok "nginx started on https://localhost:$NGINX_HTTPS_PORT (http://localhost:$NGINX_HTTP_PORT redirects)"
}

nginx_stop() {
    if ! nginx_alive; then
        rm -f "$NGINX_PID"
        info "nginx not running"
        return 0
    fi
    local pid
    pid="$(<"$NGINX_PID")"
    _nginx -s quit >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_until 15 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
    ok "nginx stopped"
}

nginx_status() {
    if nginx_alive; then
        ok "nginx       running on https://localhost:$NGINX_HTTPS_PORT"
    else
        fail "nginx       stopped"
        return 1
    fi
}
