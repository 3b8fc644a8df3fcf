#!/bin/sh
# The `certs` service of docker-compose.yml: copies the certificates that
# ./run.sh generated (.run/tls) and the broker's definitions
# (.run/compose/rabbitmq) into the `certs` volume, each private key readable
# only by the user of the server that uses it:
#   ca.crt                         everyone (clients verify with it)
#   nginx/server.{crt,key}         root (nginx's master reads it, then drops to nginx)
#   rabbit/server.{crt,key}, rabbit/definitions.json   rabbitmq
#   kibana/server.{crt,key}        uid 1000 (the kibana image's user)
# Runs as root in the rabbitmq image, so that the name rabbitmq resolves.
set -eu

for file in /src/tls/ca.crt /src/tls/server.crt /src/tls/server.key /src/rabbitmq/definitions.json; do
    if [ ! -s "$file" ]; then
        echo "install-certs: $file is missing: start the stack with ./run.sh, which generates it" >&2
        exit 1
    fi
done

install -d -m 755 /certs
install -m 644 /src/tls/ca.crt /certs/ca.crt

# server_files OWNER DIR: a private directory with the server certificate and key.
server_files() {
    owner="$1"
    dir="/certs/$2"
    install -d -m 700 -o "$owner" -g "$owner" "$dir"
    install -m 644 -o "$owner" -g "$owner" /src/tls/server.crt "$dir/server.crt"
    install -m 600 -o "$owner" -g "$owner" /src/tls/server.key "$dir/server.key"
}

server_files root nginx
server_files rabbitmq rabbit
install -m 600 -o rabbitmq -g rabbitmq /src/rabbitmq/definitions.json /certs/rabbit/definitions.json
server_files 1000 kibana
echo "install-certs: certificates and broker definitions installed"
