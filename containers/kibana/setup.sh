#!/bin/sh
# Provisions Kibana for MyMONIT's audit trail: the data view "monitoring*" over the daily
# monitoring-YYYY.MM.dd indices that Logstash writes, with @timestamp (the time of each record,
# as the app's Logstash handler sends it) as its time field, made the default data view when
# none is set. An auditor opens Discover and sees the events; no manual step.
#
# Idempotent: an existing data view with this id is left as it is, so the script can run on
# every `docker compose up` (the one-shot kibana-setup service, once Kibana is healthy). POSIX sh and curl only
# (the Kibana and curlimages/curl images both have them).
#
# Environment:
#   KIBANA_URL           default http://kibana:5601
#   KIBANA_CA_FILE       CA file that signed Kibana's certificate, for an https URL (optional)
#   ELASTIC_USERNAME     default elastic (a user who may manage data views)
#   ELASTIC_PASSWORD     its password; without it the requests are sent unauthenticated
#   KIBANA_WAIT_SECONDS  how long to wait for Kibana to become available, default 300
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
ELASTIC_USERNAME="${ELASTIC_USERNAME:-elastic}"
KIBANA_WAIT_SECONDS="${KIBANA_WAIT_SECONDS:-300}"
DATA_VIEW_ID="mymonit-monitoring"
DATA_VIEW_TITLE="monitoring*"
TIME_FIELD="@timestamp"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT INT TERM

# Credentials go through a curl config file, not the command line (visible in ps).
: >"$WORK/curlrc"
chmod 600 "$WORK/curlrc"
if [ -n "${ELASTIC_PASSWORD:-}" ]; then
    escaped="$(printf '%s:%s' "$ELASTIC_USERNAME" "$ELASTIC_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')"
    printf 'user = "%s"\n' "$escaped" >>"$WORK/curlrc"
fi
if [ -n "${KIBANA_CA_FILE:-}" ]; then
    printf 'cacert = "%s"\n' "$KIBANA_CA_FILE" >>"$WORK/curlrc"
fi

log() { printf 'kibana-provision: %s\n' "$*" >&2; }

# kibana METHOD PATH [JSON]: prints the HTTP status (000 when Kibana cannot be reached); the
# response body is left in $WORK/body.
kibana() {
    method="$1"
    path="$2"
    if [ $# -ge 3 ]; then
        printf '%s' "$3" >"$WORK/request"
        set -- --data-binary "@$WORK/request"
    else
        set --
    fi
    code="$(curl --config "$WORK/curlrc" --silent --max-time 30 \
        --output "$WORK/body" --write-out '%{http_code}' --request "$method" \
        --header 'kbn-xsrf: mymonit-provision' --header 'Content-Type: application/json' \
        "$@" "$KIBANA_URL$path")" || code=000
    printf '%s' "$code"
}

wait_for_kibana() {
    deadline=$(($(date +%s) + KIBANA_WAIT_SECONDS))
    while :; do
        status="$(kibana GET /api/status)"
        if [ "$status" = 200 ] && grep -Eq '"level" *: *"available"' "$WORK/body"; then
            return 0
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "Kibana at $KIBANA_URL is not available after ${KIBANA_WAIT_SECONDS}s (last status $status)"
            return 1
        fi
        sleep 3
    done
}

ensure_data_view() {
    status="$(kibana GET "/api/data_views/data_view/$DATA_VIEW_ID")"
    case "$status" in
        200) log "data view $DATA_VIEW_TITLE already exists"; return 0 ;;
        404) ;;
        *) log "reading data view $DATA_VIEW_ID failed with HTTP $status: $(cat "$WORK/body")"; return 1 ;;
    esac
    body="{\"override\":true,\"data_view\":{\"id\":\"$DATA_VIEW_ID\",\"title\":\"$DATA_VIEW_TITLE\",\
\"name\":\"MyMONIT audit trail\",\"timeFieldName\":\"$TIME_FIELD\"}}"
    status="$(kibana POST /api/data_views/data_view "$body")"
    if [ "$status" != 200 ]; then
        log "creating data view $DATA_VIEW_TITLE failed with HTTP $status: $(cat "$WORK/body")"
        return 1
    fi
    log "data view $DATA_VIEW_TITLE created (time field $TIME_FIELD)"
}

ensure_default() {
    status="$(kibana POST /api/data_views/default "{\"data_view_id\":\"$DATA_VIEW_ID\",\"force\":false}")"
    if [ "$status" != 200 ]; then
        log "setting the default data view failed with HTTP $status: $(cat "$WORK/body")"
        return 1
    fi
}

wait_for_kibana
ensure_data_view
ensure_default
log "done"
