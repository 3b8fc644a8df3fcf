# shellcheck shell=bash
# Following the logs of the native stack, one coloured prefix per process.
# Requires common.sh, api.sh, workers.sh and nginx.sh.

LOG_NAMES=(api consumer alerts rollups shipper audit publisher nginx access emulator rabbitmq mariadb)
FOLLOW_PID=""

# log_file NAME: the log of a process of the native stack.
log_file() {
    case "$1" in
        api) echo "$API_LOG" ;;
        consumer) echo "$CONSUMER_LOG" ;;
        alerts) echo "$ALERTS_LOG" ;;
        rollups) echo "$ROLLUPS_LOG" ;;
        shipper) echo "$SHIPPER_LOG" ;;
        # The audit trail itself, as the shipper appends it (JSON lines; .env's AUDIT_FILE).
        audit) echo "${AUDIT_FILE:-$RUN_DIR/audit.jsonl}" ;;
        publisher) echo "$PUBLISHER_LOG" ;;
        nginx) echo "$NGINX_DIR/error.log" ;;
        access) echo "$NGINX_DIR/access.log" ;;
        emulator) echo "$RUN_DIR/auth-emulator.log" ;;
        rabbitmq) echo "/var/log/rabbitmq/rabbit@$(hostname -s).log" ;;
        mariadb) echo /var/log/mysql/error.log ;;
        *) return 1 ;;
    esac
}

# Prefixes every line with the name of its log ("==> FILE <==" headers of
# tail tell which file a line comes from), coloured when stdout is a terminal.
_colourise() {
    awk -v names="$1" -v colour="${C_BOLD:+1}" '
        BEGIN {
            n = split(names, pairs, "\t")
            split("36 35 33 32 34 31 37 90", palette, " ")
            width = 0
            for (i = 1; i <= n; i++) {
                split(pairs[i], kv, "=")
                label[kv[1]] = kv[2]
                code[kv[1]] = palette[(i - 1) % 8 + 1]
                if (length(kv[2]) > width) width = length(kv[2])
                if (i == 1) current = kv[1]
            }
        }
        /^==> .* <==$/ { current = substr($0, 5, length($0) - 8); next }
        /^$/ { next }
        {
            name = sprintf("%-" width "s |", label[current])
            if (colour) printf "\033[%sm%s\033[0m %s\n", code[current], name, $0
            else printf "%s %s\n", name, $0
            fflush()
        }'
}

# follow_logs LINES NAME...: follows the logs in the background (the last
# LINES lines of each first); stop_following ends it.
follow_logs() {
    local lines="$1" name file files=() names=""
    shift
    for name in "$@"; do
        file="$(log_file "$name")" || die "unknown log '$name': one of ${LOG_NAMES[*]}"
        files+=("$file")
        names+="${names:+$'\t'}$file=$name"
    done
    tail -n "$lines" -F "${files[@]}" 2>/dev/null > >(_colourise "$names") &
    FOLLOW_PID=$!
}

stop_following() {
    if [[ -n "$FOLLOW_PID" ]]; then
        kill "$FOLLOW_PID" 2>/dev/null || true
        wait "$FOLLOW_PID" 2>/dev/null || true
        FOLLOW_PID=""
    fi
}
