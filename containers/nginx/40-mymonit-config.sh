#!/bin/sh
# Run by the nginx image's entrypoint before nginx starts: renders MyMONIT's
# configuration over /etc/nginx/nginx.conf and checks it.
set -eu
mkdir -p "$NGINX_DIR/tmp/client_body" "$NGINX_DIR/tmp/proxy" "$NGINX_DIR/tmp/fastcgi" \
    "$NGINX_DIR/tmp/uwsgi" "$NGINX_DIR/tmp/scgi"
chown -R nginx "$NGINX_DIR/tmp"
mymonit-render-config /etc/mymonit/nginx.conf.template /etc/nginx/nginx.conf
nginx -t -q
