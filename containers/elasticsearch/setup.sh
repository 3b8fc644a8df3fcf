#!/bin/bash
# The `elasticsearch-setup` service of docker-compose.yml (runs once, in the
# elasticsearch image): with security on, sets the password of kibana_system
# and creates the account Logstash writes the audit trail with, allowed to
# write monitoring-* and nothing else. Idempotent; passwords come from .env.
set -euo pipefail

: "${ELASTICSEARCH_URL:?}" "${ELASTIC_PASSWORD:?}" "${KIBANA_SYSTEM_PASSWORD:?}"
: "${LOGSTASH_ES_USER:?}" "${LOGSTASH_ES_PASSWORD:?}"

# The passwords go through curl's config (stdin) and a private file, never argv.
body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT
es() {
    local method="$1" path="$2"
    printf '%s' "${3:-}" >"$body_file"
    printf 'user = "elastic:%s"\n' "$ELASTIC_PASSWORD" \
        | curl -fsS -K - -X "$method" -H 'Content-Type: application/json' \
            --data-binary "@$body_file" "$ELASTICSEARCH_URL$path" -o /dev/null
}

until es GET '/_cluster/health?wait_for_status=yellow&timeout=5s'; do
    echo "elasticsearch-setup: waiting for Elasticsearch"
    sleep 2
done

es POST /_security/user/kibana_system/_password "{\"password\": \"$KIBANA_SYSTEM_PASSWORD\"}"
es PUT /_security/role/mymonit_audit_writer '{
  "cluster": ["monitor", "manage_index_templates", "manage_ilm"],
  "indices": [{"names": ["monitoring-*"],
               "privileges": ["create_index", "create_doc", "write", "view_index_metadata", "auto_configure"]}]
}'
es PUT "/_security/user/$LOGSTASH_ES_USER" \
    "{\"password\": \"$LOGSTASH_ES_PASSWORD\", \"roles\": [\"mymonit_audit_writer\"], \"full_name\": \"MyMONIT Logstash\"}"
echo "elasticsearch-setup: kibana_system and $LOGSTASH_ES_USER ready"
