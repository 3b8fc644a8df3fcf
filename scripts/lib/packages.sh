# shellcheck shell=bash
# Debian packages of the native stack. Requires common.sh.

package_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# ensure_packages PACKAGE...: apt-get update (once) and install only when
# something is missing.
ensure_packages() {
    local pkg missing=() log="$RUN_DIR/apt.log" started=$EPOCHREALTIME
    for pkg in "$@"; do
        package_installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        ok "Packages present: $*"
        return 0
    fi
    command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
    ((EUID == 0)) || die "missing packages (${missing[*]}): run as root to install them"
    info "Installing ${missing[*]} with apt-get"
    {
        apt-get update \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    } >"$log" 2>&1 || die_with_log "$log" "apt-get install ${missing[*]} failed"
    ok "Installed ${missing[*]} ($(elapsed_since "$started"))"
}

ensure_native_packages() {
    ensure_packages mariadb-server rabbitmq-server nginx openssl curl gettext-base
}
