# shellcheck shell=bash
# The service's background processes besides the API, in native mode: the
# consumer (`mymonit consume`), the alert evaluator (`mymonit alerts`), the
# rollup worker (`mymonit rollups`), the
# audit shipper (`mymonit ship-audit`) and the demo's synthetic adapter (`mymonit publish synthetic ...`). Each has
# .run/NAME.pid and .run/NAME.log.
# A command the installed service does not have yet is skipped with a notice,
# so ./run.sh works before every subcommand exists.
# Requires common.sh, api.sh and a loaded .env.

CONSUMER_PID="$RUN_DIR/consumer.pid"
CONSUMER_LOG="$RUN_DIR/consumer.log"
ALERTS_PID="$RUN_DIR/alerts.pid"
ALERTS_LOG="$RUN_DIR/alerts.log"
ROLLUPS_PID="$RUN_DIR/rollups.pid"
ROLLUPS_LOG="$RUN_DIR/rollups.log"
PUBLISHER_PID="$RUN_DIR/publisher.pid"
PUBLISHER_LOG="$RUN_DIR/publisher.log"
SHIPPER_PID="$RUN_DIR/shipper.pid"
SHIPPER_LOG="$RUN_DIR/shipper.log"
SHIPPER_DRAIN_SECONDS=10
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

# _worker_launch NAME LABEL PID_FILE LOG STARTED SUBCOMMAND: starts `mymonit SUBCOMMAND` unless this
# version of the service lacks it, and says STARTED once the process has settled.
_worker_launch() {
    local name="$1" label="$2" pid_file="$3" log="$4" started="$5" command="$6"
    if ! "${name}_available"; then
        warn "$label not started: this version of the service has no 'mymonit $command' yet"
        return 0
    fi
    _worker_start "$pid_file" "$log" "$label" "$VENV_DIR/bin/mymonit" "$command"
    _worker_settled "$pid_file" "$log" "the ${label,,}"
    ok "$label started: $started (log: $(rel_path "$log"))"
}

# _worker_status NAME LABEL PID_FILE DETAIL: one line of ./run.sh status; returns 1 for a process
# this version has and that is not running.
_worker_status() {
    local name="$1" label="$2" pid_file="$3" detail="$4"
    if pid_alive "$pid_file"; then
        ok "$label running (pid $(<"$pid_file")$detail)"
    elif ! "${name}_available"; then
        info "$label not available in this version of the service"
    else
        fail "$label stopped"
        return 1
    fi
}

consumer_available() {
    cli_has consume
}

consumer_alive() {
    pid_alive "$CONSUMER_PID"
}

consumer_start() {
    _worker_launch consumer "Consumer" "$CONSUMER_PID" "$CONSUMER_LOG" "queue $RABBIT_QUEUE → MariaDB" consume
}

consumer_stop() {
    stop_group "$CONSUMER_PID" "Consumer"
}

consumer_status() {
    _worker_status consumer "Consumer   " "$CONSUMER_PID" ", queue $RABBIT_QUEUE$(_consumer_figures)"
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

# --- the alert evaluator --------------------------------------------------------

alerts_available() {
    cli_has alerts
}

alerts_alive() {
    pid_alive "$ALERTS_PID"
}

alerts_start() {
    _worker_launch alerts "Alert evaluator" "$ALERTS_PID" "$ALERTS_LOG" "every ${ALERT_INTERVAL:-10} s" alerts
}

alerts_stop() {
    stop_group "$ALERTS_PID" "Alert evaluator"
}

alerts_status() {
    _worker_status alerts "Alerts     " "$ALERTS_PID" ", every ${ALERT_INTERVAL:-10} s"
}

# --- the rollup worker ---------------------------------------------------------

rollups_available() {
    cli_has rollups
}

rollups_alive() {
    pid_alive "$ROLLUPS_PID"
}

rollups_start() {
    _worker_launch rollups "Rollup worker" "$ROLLUPS_PID" "$ROLLUPS_LOG" "minute and hour rollups of every series" rollups
}

rollups_stop() {
    stop_group "$ROLLUPS_PID" "Rollup worker"
}

rollups_status() {
    _worker_status rollups "Rollups    " "$ROLLUPS_PID" ", every ${ROLLUP_INTERVAL:-1} s"
}

# --- the audit shipper ----------------------------------------------------------
# Every process (API workers, consumer, CLI commands) commits its log records to
# a spool file of its own in AUDIT_SPOOL_DIR; one shipper drains them all into
# AUDIT_FILE (and Logstash, if LOGSTASH_HOST is set), taking over the files of
# processes that have ended. It starts before the API and the consumer and
# stops after them, so that it ships what they wrote until they exited.

shipper_available() {
    cli_has ship-audit
}

# Is there somewhere to ship to? (Otherwise the processes do not spool either.)
shipper_wanted() {
    [[ -n "${LOGSTASH_HOST:-}${AUDIT_FILE:-}" ]]
}

shipper_alive() {
    pid_alive "$SHIPPER_PID"
}

shipper_start() {
    if ! shipper_available; then
        warn "Audit shipper not started: this version of the service has no 'mymonit ship-audit' yet"
        return 0
    fi
    if ! shipper_wanted; then
        info "Audit shipper not started: neither AUDIT_FILE nor LOGSTASH_HOST is set in .env"
        return 0
    fi
    _worker_start "$SHIPPER_PID" "$SHIPPER_LOG" "Audit shipper" "$VENV_DIR/bin/mymonit" ship-audit
    _worker_settled "$SHIPPER_PID" "$SHIPPER_LOG" "the audit shipper"
    ok "Audit shipper started: $(_spool_where) → $(_shipper_targets) (log: $(rel_path "$SHIPPER_LOG"))"
}

# Stops the shipper once it has drained the spool files of the processes stopped
# before it (or after SHIPPER_DRAIN_SECONDS); what is left is sent at its next start.
shipper_stop() {
    local dir="${AUDIT_SPOOL_DIR:-}"
    if shipper_alive && [[ -n "$dir" ]] && ! wait_until "$SHIPPER_DRAIN_SECONDS" _spool_drained "$dir"; then
        warn "Audit shipper: spool files left in $(rel_path "$dir") after $SHIPPER_DRAIN_SECONDS s; shipped at the next start"
    fi
    stop_group "$SHIPPER_PID" "Audit shipper"
}

shipper_status() {
    if shipper_alive; then
        ok "Shipper     running (pid $(<"$SHIPPER_PID"), $(_spool_where) → $(_shipper_targets)$(_spool_figures))"
    elif ! shipper_available; then
        info "Shipper     not available in this version of the service"
    elif ! shipper_wanted; then
        info "Shipper     not needed: neither AUDIT_FILE nor LOGSTASH_HOST is set in .env"
    else
        fail "Shipper     stopped$(_spool_figures)"
        return 1
    fi
}

# The shipper removes a lane's segments once they are drained and its writer has ended.
_spool_drained() {
    ! compgen -G "$1/*.jsonl" >/dev/null
}

_spool_where() {
    if [[ -n "${AUDIT_SPOOL_DIR:-}" ]]; then
        rel_path "$AUDIT_SPOOL_DIR"
    else
        printf 'the temporary directory'
    fi
}

# "AUDIT_FILE and Logstash at HOST:PORT", as configured.
_shipper_targets() {
    local targets=()
    [[ -n "${AUDIT_FILE:-}" ]] && targets+=("$(rel_path "$AUDIT_FILE")")
    [[ -n "${LOGSTASH_HOST:-}" ]] && targets+=("Logstash at $LOGSTASH_HOST:${LOGSTASH_PORT:-5959}")
    printf '%s' "${targets[0]:-nowhere}${targets[1]:+ and ${targets[1]}}"
}

# ", N bytes waiting in the spool", from `mymonit ship-audit --backlog`; nothing when it cannot say.
_spool_figures() {
    [[ -n "${AUDIT_SPOOL_DIR:-}" && -d "$AUDIT_SPOOL_DIR" ]] || return 0
    "$VENV_DIR/bin/mymonit" ship-audit --backlog 2>/dev/null \
        | awk '/bytes waiting/ { printf ", %s bytes waiting in the spool", $3 }' || true
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
