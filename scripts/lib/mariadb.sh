# shellcheck shell=bash
# Native MariaDB: loopback only, started without systemd. Requires common.sh
# and a loaded .env (DB_* variables).

MARIADB_REPO_CNF="$MYMONIT_ROOT/containers/mysql/mymonit.cnf"
MARIADB_CNF=/etc/mysql/mariadb.conf.d/60-mymonit.cnf
MARIADB_LOG=/var/log/mysql/error.log
MARIADB_PID=/run/mysqld/mysqld.pid

mariadb_alive() {
    mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1
}

# Installs the shared server settings plus the native-only network settings.
# Returns 0 when the file changed.
mariadb_configure() {
    local wanted
    wanted="$(
        printf '# Written by run-infra.sh from containers/mysql/mymonit.cnf. Do not edit here.\n\n'
        cat "$MARIADB_REPO_CNF"
        printf '\n# Native only: never reachable from the network.\n[mysqld]\n'
        printf 'bind-address = 127.0.0.1\nport = %s\n' "$DB_PORT"
    )"
    if [[ -r "$MARIADB_CNF" && "$(<"$MARIADB_CNF")" == "$wanted" ]]; then
        return 1
    fi
    printf '%s\n' "$wanted" >"$MARIADB_CNF"
    chmod 644 "$MARIADB_CNF"
}

mariadb_start() {
    local started=$EPOCHREALTIME
    install -d -o mysql -g mysql /run/mysqld /var/log/mysql
    if [[ ! -d /var/lib/mysql/mysql ]]; then
        mariadb-install-db --user=mysql --datadir=/var/lib/mysql >>"$RUN_DIR/mariadb-install.log" 2>&1 \
            || die_with_log "$RUN_DIR/mariadb-install.log" "MariaDB data directory could not be initialised"
    fi
    start-stop-daemon --start --oknodo --background --chuid mysql \
        --exec /usr/sbin/mariadbd -- --user=mysql --log-error="$MARIADB_LOG"
    wait_until 60 mariadb_alive || die_with_log "$MARIADB_LOG" "MariaDB did not start within 60 s"
    ok "MariaDB started on 127.0.0.1:$DB_PORT ($(elapsed_since "$started"))"
}

mariadb_stop() {
    if ! mariadb_alive; then
        info "MariaDB not running"
        return 0
    fi
    mariadb-admin --protocol=socket -uroot shutdown
    # shutdown returns once the server has finished; the process may linger a moment.
    wait_until 60 bash -c "! start-stop-daemon --status --pidfile $MARIADB_PID" \
        || warn "MariaDB process still present after shutdown"
    ok "MariaDB stopped"
}

# Creates the database and the application account; the account's password
# always ends up equal to DB_PASSWORD. The grant covers my_monit* so that
# tests and benchmarks can create and drop their own databases.
mariadb_provision() {
    local user host pattern="${DB_DATABASE//_/\\_}%"
    local sql="CREATE DATABASE IF NOT EXISTS \`$DB_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    for host in localhost 127.0.0.1; do
        user="'$DB_USER'@'$host'"
        sql+="CREATE USER IF NOT EXISTS $user IDENTIFIED BY '$DB_PASSWORD';"
        sql+="ALTER USER $user IDENTIFIED BY '$DB_PASSWORD';"
        sql+="GRANT ALL PRIVILEGES ON \`$pattern\`.* TO $user;"
    done
    # Through stdin, so that the password never shows in the process list.
    mariadb --protocol=socket -uroot <<<"$sql" >"$RUN_DIR/mariadb-provision.log" 2>&1 \
        || die_with_log "$RUN_DIR/mariadb-provision.log" "could not create the database and its account"
    mariadb --defaults-extra-file=<(printf '[client]\npassword=%s\n' "$DB_PASSWORD") \
        --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -u"$DB_USER" -e 'SELECT 1' "$DB_DATABASE" >/dev/null 2>&1 \
        || die "MariaDB account $DB_USER cannot log in over TCP with DB_PASSWORD"
    ok "MariaDB ready on 127.0.0.1:$DB_PORT (database $DB_DATABASE, user $DB_USER)"
}

mariadb_up() {
    local changed=0
    mariadb_configure && changed=1
    if mariadb_alive; then
        if ((changed)); then
            info "MariaDB settings changed: restarting it"
            mariadb_stop
            mariadb_start
        fi
    else
        mariadb_start
    fi
    mariadb_provision
}

mariadb_status() {
    if mariadb_alive; then
        ok "MariaDB     running on 127.0.0.1:$DB_PORT ($(mariadb --protocol=socket -uroot -N -e 'SELECT VERSION()' 2>/dev/null))"
    else
        fail "MariaDB     stopped"
        return 1
    fi
}
