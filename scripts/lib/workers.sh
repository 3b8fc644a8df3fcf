# shellcheck shell=bash
# The service's background processes besides the API, in native mode: the
# consumer (`mymonit consume`) and the demo's synthetic adapter
# (`mymonit publish synthetic ...`). Each has .run/NAME.pid and .run/NAME.log.
# A command the installed service does not have yet is skipped with a notice,
# so ./run.sh works before every subcommand exists.
# Requires common.sh, api.sh and a loaded .env.

CONSUMER_PID="$RUN_DIR/consumer.pid"
CONSUMER_LOG="$RUN_DIR/consumer.log"
PUBLISHER_PID="$RUN_DIR/publisher.pid"
PUBLISHER_LOG="$RUN_DIR/publisher.log"
DEMO_EXPERIMENT=device-vibrations
DEMO_MEASURE=hertz
DEMO_RATE="${DEMO_RATE:-5}"

# Does the installed CLI have this subcommand? e.g. cli_has consume
cli_has() {
    "$VENV_DIR/bin/mymonit" "$@" --help >/dev/null 2>&1
}

# worker_start PID LOG LABEL COMMAND...: (re)starts one detached process.
_worker_start() {
    local pid_file="$1" log="$2" label="$3"
    shift 3
    if pid_alive "$pid_file"; then
        stop_group "$pid_file" "$label" >/dev/null
    fi
    printf '\n=== %s %s ===\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
    start_detached "$pid_file" "$log" "$@"
}

# A process that exits within its first second is reported with its log.
_worker_settled() {
    local pid_file="$1" log="$2" label="$3"
    sleep 1
    pid_alive "$pid_file" || die_with_log "$log" "$label exited right after it started"
}

consumer_available() {
    cli_has consume
}

consumer_alive() {
    pid_alive "$CONSUMER_PID"
}

consumer_start() {
    if ! consumer_available; then
        warn "Consumer not started: this version of the service has no 'mymonit consume' yet"
        return 0
    fi
    _worker_start "$CONSUMER_PID" "$CONSUMER_LOG" "Consumer" "$VENV_DIR/bin/mymonit" consume
    _worker_settled "$CONSUMER_PID" "$CONSUMER_LOG" "the consumer"
    ok "Consumer started: queue $RABBIT_QUEUE → MariaDB (log: $(rel_path "$CONSUMER_LOG"))"
}

consumer_stop() {
    stop_group "$CONSUMER_PID" "Consumer"
}

consumer_status() {
    if consumer_alive; then
        ok "Consumer    running (pid $(<"$CONSUMER_PID"), queue $RABBIT_QUEUE$(_consumer_figures))"
    elif ! consumer_available; then
        info "Consumer    not available in this version of the service"
    else
        fail "Consumer    stopped"
        return 1
    fi
}

# ", N waiting, N stored, N dead-lettered" from the consumer's own metrics; nothing if they do not answer.
_consumer_figures() {
    local port="${CONSUMER_METRICS_PORT:-9464}" metrics
    [[ "$port" != 0 ]] || return 0
    metrics=$(curl -fsS --max-time 1 "http://${CONSUMER_METRICS_HOST:-127.0.0.1}:$port/metrics" 2>/dev/null) || return 0
    awk '
        /^mymonit_ingest_queue_depth[{ ]/ { waiting += $2 }
        /^mymonit_ingest_measures_stored_total / { stored = $2 }
        /^mymonit_ingest_messages_dead_lettered_total[{ ]/ { dead += $2 }
        END { printf ", %d waiting, %d stored, %d dead-lettered since it started", waiting, stored, dead }
    ' <<<"$metrics"
}

publisher_available() {
    cli_has publish synthetic
}

publisher_alive() {
    pid_alive "$PUBLISHER_PID"
}

# The demo's adapter: synthetic measures over AMQPS (ADAPTER_URL) as the publish-only account.
publisher_start() {
    if ! publisher_available; then
        warn "Synthetic adapter not started: this version of the service has no 'mymonit publish synthetic' yet"
        return 0
    fi
    _worker_start "$PUBLISHER_PID" "$PUBLISHER_LOG" "Synthetic adapter" "$VENV_DIR/bin/mymonit" publish synthetic \
        --experiment "$DEMO_EXPERIMENT" --measure "$DEMO_MEASURE" --rate "$DEMO_RATE" --count 0
    _worker_settled "$PUBLISHER_PID" "$PUBLISHER_LOG" "the synthetic adapter"
    ok "Synthetic adapter publishing $DEMO_RATE $DEMO_MEASURE/s to $DEMO_EXPERIMENT (log: $(rel_path "$PUBLISHER_LOG"))"
}

publisher_stop() {
    stop_group "$PUBLISHER_PID" "Synthetic adapter"
}

# Only reported when it runs: it is part of the demo, not of the service.
publisher_status() {
    if publisher_alive; then
        ok "Adapter     publishing $DEMO_MEASURE to $DEMO_EXPERIMENT (pid $(<"$PUBLISHER_PID"), demo)"
    fi
}
