# shellcheck shell=bash
# nginx as the TLS reverse proxy in native mode, run from .run/nginx without
# touching /etc/nginx. Requires common.sh, tls.sh and a loaded .env (REST_PORT).

NGINX_TEMPLATE="$MYMONIT_ROOT/containers/nginx/nginx.conf.template"
NGINX_DIR="$RUN_DIR/nginx"
NGINX_CONF="$NGINX_DIR/nginx.conf"
NGINX_PID="$NGINX_DIR/nginx.pid"
NGINX_HTTP_PORT="${NGINX_HTTP_PORT:-8080}"
NGINX_HTTPS_PORT="${NGINX_HTTPS_PORT:-8443}"
# Per client address; every local client shares 127.0.0.1. Burst: 200.
NGINX_RATE="${NGINX_RATE:-100r/s}"
NGINX_WORKER_USER=www-data

_nginx() {
    nginx -p "$NGINX_DIR" -c "$NGINX_CONF" -e "$NGINX_DIR/error.log" "$@"
}

# Replaces the template's placeholders, and only them: nginx's own $variables
# are left untouched.
nginx_render() {
    local text name value user_line="# Not root: workers run as the current user."
    if ((EUID == 0)); then
        user_line="user $NGINX_WORKER_USER;"
    fi
    local -A values=(
        [NGINX_DIR]="$NGINX_DIR" [TLS_DIR]="$TLS_DIR" [REST_PORT]="$REST_PORT"
        [NGINX_HTTP_PORT]="$NGINX_HTTP_PORT" [NGINX_HTTPS_PORT]="$NGINX_HTTPS_PORT"
        [NGINX_RATE]="$NGINX_RATE" [NGINX_USER_LINE]="$user_line"
    )
    text="$(<"$NGINX_TEMPLATE")"
    for name in "${!values[@]}"; do
        value="${values[$name]}"
        text="${text//"\${$name}"/"$value"}"
    done
    mkdir -p "$NGINX_DIR"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
    if ((EUID == 0)); then
        chown -R "$NGINX_WORKER_USER" "$NGINX_DIR/tmp"
    fi
    printf '%s\n' "$text" >"$NGINX_CONF"
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
