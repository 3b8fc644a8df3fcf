# shellcheck shell=bash
# A local certificate authority and one server certificate, for development
# and the compose stack only. Created once, then reused until they are about
# to expire or the list of names changes. Clients trust the stack with:
#   curl --cacert .run/tls/ca.crt ...      (nginx, https://localhost:8443)
#   RABBIT_CA_FILE=.run/tls/ca.crt         (RabbitMQ, amqps://localhost:5671)
# The server certificate names localhost and the compose services that
# serve TLS (nginx, rabbit, kibana). Nothing here is ever committed (.run/ is ignored).
# Requires common.sh.

TLS_DIR="${TLS_DIR:-$RUN_DIR/tls}"
# shellcheck disable=SC2034  # used by the scripts that source this file
TLS_CA="$TLS_DIR/ca.crt"
TLS_SERVER_NAMES="DNS:localhost, DNS:nginx, DNS:rabbit, DNS:kibana, IP:127.0.0.1, IP:::1"

_tls_new_ca() {
    openssl req -x509 -new -nodes -sha256 -days 3650 \
        -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" \
        -subj "/O=MyMONIT/CN=MyMONIT local development CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# The extensions of the server certificate; kept next to it to notice a change.
_tls_server_ext() {
    cat <<EOF2
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $TLS_SERVER_NAMES
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF2
}

_tls_new_server_cert() {
    local csr="$TLS_DIR/server.csr" ext="$TLS_DIR/server.ext"
    openssl req -new -nodes -sha256 \
        -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$TLS_DIR/server.key" -out "$csr" \
        -subj "/O=MyMONIT/CN=localhost"
    _tls_server_ext >"$ext"
    openssl x509 -req -sha256 -days 825 -in "$csr" \
        -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
        -extfile "$ext" -out "$TLS_DIR/server.crt"
    rm -f "$csr"
}

# Valid for at least one more day?
_tls_fresh() {
    [[ -s "$1" ]] && openssl x509 -checkend 86400 -noout -in "$1" >/dev/null 2>&1
}

_tls_current() {
    _tls_fresh "$TLS_DIR/ca.crt" && [[ -s "$TLS_DIR/ca.key" ]] \
        && _tls_fresh "$TLS_DIR/server.crt" && [[ -s "$TLS_DIR/server.key" ]] \
        && [[ -r "$TLS_DIR/server.ext" && "$(<"$TLS_DIR/server.ext")" == "$(_tls_server_ext)" ]] \
        && openssl verify -CAfile "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt" >/dev/null 2>&1
}

# Creates .run/tls/{ca.crt,ca.key,server.crt,server.key} when missing, expiring
# or issued for other names. The CA is kept as long as it is valid, so clients
# that trust it keep working after a new server certificate.
ensure_tls_certs() {
    local log="$RUN_DIR/tls.log"
    mkdir -p "$TLS_DIR"
    chmod 755 "$TLS_DIR"
    if _tls_current; then
        ok "TLS certificate reused ($(rel_path "$TLS_DIR/server.crt"))"
        return 0
    fi
    (
        umask 077
        if ! _tls_fresh "$TLS_DIR/ca.crt" || [[ ! -s "$TLS_DIR/ca.key" ]]; then
            _tls_new_ca
        fi
        _tls_new_server_cert
    ) >"$log" 2>&1 || die_with_log "$log" "could not create the TLS certificates"
    chmod 644 "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt"
    ok "TLS certificate created for $TLS_SERVER_NAMES (CA: $(rel_path "$TLS_DIR/ca.crt"))"
}
