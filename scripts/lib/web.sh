# shellcheck shell=bash
# The web page (containers/web): `npm ci` when package-lock.json changed, then the esbuild build
# into containers/app/src/mymonit/web/static/dist/ (git-ignored) when a source changed. Both steps
# are skipped when up to date, so web_build is cheap to call on every start.
# Requires common.sh.

WEB_DIR="$MYMONIT_ROOT/containers/web"
WEB_DIST="$MYMONIT_ROOT/containers/app/src/mymonit/web/static/dist"
WEB_NPM_STAMP="$WEB_DIR/node_modules/.mymonit-lock.sha256"
WEB_BUILD_STAMP="$WEB_DIST/.mymonit-build.sha256"

_web_require_node() {
    local version
    version="$(node --version 2>/dev/null)" || die "Node.js 20 or newer is required to build the web page"
    if ! [[ "$version" =~ ^v([0-9]+) ]] || ((BASH_REMATCH[1] < 20)); then
        die "Node.js $version is too old to build the web page: install Node.js 20 or newer"
    fi
    command -v npm >/dev/null || die "npm is required to build the web page"
}

# npm ci only when node_modules is missing or was installed from another lock file or Node major.
# Install scripts are not needed (esbuild ships its binary as a package) and are not run.
web_install() {
    local wanted log="$RUN_DIR/web-npm.log" started=$EPOCHREALTIME
    _web_require_node
    wanted="$(cat "$WEB_DIR/package-lock.json" <(node --version | cut -d. -f1) | sha256sum | cut -d' ' -f1)"
    if [[ -d "$WEB_DIR/node_modules" && "$(cat "$WEB_NPM_STAMP" 2>/dev/null)" == "$wanted" ]]; then
        return 0
    fi
    mkdir -p "$RUN_DIR"
    info "Installing the web page's npm packages (npm ci)"
    (cd "$WEB_DIR" && npm ci --ignore-scripts --no-audit --no-fund) >"$log" 2>&1 \
        || die_with_log "$log" "npm ci failed in $(rel_path "$WEB_DIR")"
    echo "$wanted" >"$WEB_NPM_STAMP"
    ok "Web page packages installed ($(elapsed_since "$started"))"
}

# One hash of everything the build reads.
_web_sources_hash() {
    (cd "$WEB_DIR" && find src build.mjs package-lock.json -type f -print0 | sort -z | xargs -0 sha256sum \
        | sha256sum | cut -d' ' -f1)
}

# Builds the page unless the build in WEB_DIST is from the same sources.
web_build() {
    local wanted log="$RUN_DIR/web-build.log" started=$EPOCHREALTIME
    web_install
    wanted="$(_web_sources_hash)"
    if [[ -f "$WEB_DIST/index.html" && "$(cat "$WEB_BUILD_STAMP" 2>/dev/null)" == "$wanted" ]]; then
        ok "Web page up to date ($(rel_path "$WEB_DIST"))"
        return 0
    fi
    (cd "$WEB_DIR" && node build.mjs "$WEB_DIST") >"$log" 2>&1 || die_with_log "$log" "building the web page failed"
    echo "$wanted" >"$WEB_BUILD_STAMP"
    ok "Web page built into $(rel_path "$WEB_DIST") ($(elapsed_since "$started"))"
}
