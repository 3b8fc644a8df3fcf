# shellcheck shell=bash
# Deployment files, checked offline (no Docker engine, no cluster needed):
#   shell-scripts    shellcheck on every shell script of the repository
#   compose-config   docker-compose.yml as Debian's docker-compose reads it (config -q)
#   compose-schema   docker-compose.yml against the Compose Specification's JSON schema
#   k8s-manifests    containers/k8s/*.yaml with kubernetes-validate --strict
#                    (KEDA's kinds have no schema there: only parsed, with a warning)
#   nginx-config     the nginx template rendered for native mode and for the
#                    container, each through nginx -t
# Sourced by run-checks.sh (scripts/checks/README.md); runs under --fast too.

# shellcheck source=../lib/packages.sh
. "$MYMONIT_ROOT/scripts/lib/packages.sh"

_deployment_shell_scripts() {
    git -C "$MYMONIT_ROOT" ls-files --cached --others --exclude-standard -- '*.sh' .ci/run \
        | sort -u
}

deployment_shellcheck() {
    local files=()
    mapfile -t files < <(_deployment_shell_scripts)
    echo "shellcheck ${#files[@]} scripts"
    # SC1090: run-checks.sh sources the files of scripts/checks/ by design.
    (cd "$MYMONIT_ROOT" && shellcheck -x -e SC1090 "${files[@]}")
}

# docker-compose reads .env next to the file: validate a copy beside a .env
# with every required variable set, so the check needs no generated secrets.
deployment_compose_config() {
    local dir status=0
    dir="$(mktemp -d)"
    cp "$MYMONIT_ROOT/docker-compose.yml" "$dir/"
    ln -s "$MYMONIT_ROOT/containers" "$dir/containers"  # build contexts must exist
    printf '%s=check-only\n' DB_PASSWORD RABBIT_PASSWORD ELASTIC_PASSWORD KIBANA_SYSTEM_PASSWORD \
        LOGSTASH_ES_PASSWORD LOGSTASH_PASSWORD KIBANA_ENCRYPTION_KEY >"$dir/.env"
    (cd "$dir" && COMPOSE_PROFILES=demo,adapter docker-compose -f docker-compose.yml config -q) || status=$?
    (cd "$dir" && docker-compose -f docker-compose.yml config --services) | sort | tr '\n' ' '
    echo
    rm -rf "$dir"
    return "$status"
}

# nginx -t on the template rendered as scripts/lib/nginx.sh and the image's
# 40-mymonit-config.sh render it (the image's upstream host and user replaced
# by ones this machine resolves: nginx -t looks them up).
deployment_nginx_config() {
    local dir mode
    dir="$(mktemp -d)"
    mkdir -p "$dir/tmp"/{client_body,proxy,fastcgi,uwsgi,scgi} "$dir/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
        -keyout "$dir/tls/server.key" -out "$dir/tls/server.crt" 2>/dev/null
    for mode in native container; do
        (
            export NGINX_DIR="$dir" TLS_DIR="$dir/tls" NGINX_RATE=100r/s NGINX_BURST=200 NGINX_CONN_LIMIT=50 \
                NGINX_MAX_BODY=1m API_UPSTREAM=127.0.0.1:8000 NGINX_USER_LINE="user www-data;"
            if [[ "$mode" == native ]]; then
                export NGINX_ERROR_LOG="$dir/error.log" NGINX_ACCESS_LOG="$dir/access.log" \
                    NGINX_HTTP_LISTEN=127.0.0.1:8080 NGINX_HTTPS_LISTEN=127.0.0.1:8443 NGINX_PUBLIC_PORT_SUFFIX=:8443
            else
                export NGINX_ERROR_LOG=/dev/stderr NGINX_ACCESS_LOG=/dev/stdout \
                    NGINX_HTTP_LISTEN=80 NGINX_HTTPS_LISTEN=443 NGINX_PUBLIC_PORT_SUFFIX=
            fi
            "$MYMONIT_ROOT/containers/nginx/render-config.sh" \
                "$MYMONIT_ROOT/containers/nginx/nginx.conf.template" "$dir/nginx-$mode.conf"
            echo "== $mode"
            nginx -t -p "$dir" -c "$dir/nginx-$mode.conf" -e "$dir/error.log"
        ) || { rm -rf "$dir"; return 1; }
    done
    rm -rf "$dir"
}

checks_10_deployment() {
    ensure_packages shellcheck docker-compose nginx gettext-base openssl >/dev/null
    check shell-scripts deployment_shellcheck
    check compose-config deployment_compose_config
    check compose-schema "$VENV_DIR/bin/check-jsonschema" --builtin-schema vendor.compose-spec \
        "$MYMONIT_ROOT/docker-compose.yml"
    check k8s-manifests "$VENV_DIR/bin/kubernetes-validate" --strict "$MYMONIT_ROOT"/containers/k8s/*.yaml
    check nginx-config deployment_nginx_config
}
