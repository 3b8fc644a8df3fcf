#!/bin/sh
# Renders nginx.conf.template: render-config.sh TEMPLATE OUTPUT
# Every ${NAME} placeholder of the template must be set in the environment
# (an empty value is allowed); nothing else is replaced, so nginx's own
# $variables stay. NGINX_HTTP2_LISTEN and NGINX_HTTP2_DIRECTIVE default to the
# syntax of the nginx found on PATH ("listen ... http2" before 1.25.1, the
# "http2 on" directive after). POSIX sh: runs in the nginx:alpine image and
# from scripts/lib/nginx.sh.
set -eu

template="$1"
output="$2"

if [ -z "${NGINX_HTTP2_LISTEN+set}" ] || [ -z "${NGINX_HTTP2_DIRECTIVE+set}" ]; then
    version="$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9][0-9.]*\).*|\1|p')"
    major="${version%%.*}"
    rest="${version#*.}"
    minor="${rest%%.*}"
    patch="${rest#*.}"
    if [ "$major" -gt 1 ] || [ "$minor" -gt 25 ] || { [ "$minor" -eq 25 ] && [ "$patch" -ge 1 ]; }; then
        NGINX_HTTP2_LISTEN=""
        NGINX_HTTP2_DIRECTIVE="http2 on;"
    else
        NGINX_HTTP2_LISTEN=" http2"
        NGINX_HTTP2_DIRECTIVE="# HTTP/2 is enabled on the listen line (nginx $version)"
    fi
    export NGINX_HTTP2_LISTEN NGINX_HTTP2_DIRECTIVE
fi

# shellcheck disable=SC2016  # the pattern is literal
names="$(grep -o '\${[A-Z][A-Z0-9_]*}' "$template" | sort -u | tr -d '${}')"
missing=""
for name in $names; do
    eval "isset=\${$name+set}"
    # shellcheck disable=SC2154  # assigned by the eval above
    [ -n "$isset" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
    echo "render-config.sh: no value for$missing" >&2
    exit 1
fi
# shellcheck disable=SC2016,SC2086  # envsubst gets the literal list of ${NAME}s
envsubst "$(printf '${%s} ' $names)" <"$template" >"$output"
