#!/usr/bin/env bash
# Runs the Postman collection with newman against the running stack, through
# nginx TLS, trusting the generated CA (.run/tls/ca.crt). The tokens of the
# three demo users come from ./run.sh token and reach newman in a private
# temporary environment file, never on a command line.
#
#   postman/run-newman.sh [native|compose] [NEWMAN_OPTION...]
#
# newman is pinned in postman/package-lock.json and installed (npm ci) into
# postman/node_modules (git-ignored) when missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=../scripts/lib/common.sh
. scripts/lib/common.sh

POSTMAN_DIR="$MYMONIT_ROOT/postman"
NEWMAN="$POSTMAN_DIR/node_modules/.bin/newman"
NEWMAN_STAMP="$POSTMAN_DIR/node_modules/.mymonit-lock.sha256"
TMP_ENV=""

newman_install() {
    local wanted log="$RUN_DIR/newman-npm.log"
    wanted="$(cat "$POSTMAN_DIR/package-lock.json" <(node --version | cut -d. -f1) | sha256sum | cut -d' ' -f1)"
    if [[ -x "$NEWMAN" && "$(cat "$NEWMAN_STAMP" 2>/dev/null)" == "$wanted" ]]; then
        return 0
    fi
    info "Installing newman with npm ci (postman/node_modules)"
    (cd "$POSTMAN_DIR" && npm ci --no-audit --no-fund) >"$log" 2>&1 || die_with_log "$log" "npm ci failed in postman/"
    echo "$wanted" >"$NEWMAN_STAMP"
}

main() {
    local mode="${1:-native}" env_file
    [[ "$mode" == native || "$mode" == compose ]] || die "usage: postman/run-newman.sh [native|compose] [NEWMAN_OPTION...]"
    shift || true
    env_file="$POSTMAN_DIR/$mode.postman_environment.json"
    ensure_run_dir
    newman_install
    TMP_ENV="$(mktemp "$RUN_DIR/newman-env.XXXXXX.json")"
    trap 'rm -f "$TMP_ENV"' EXIT
    chmod 600 "$TMP_ENV"
    ADMIN_TOKEN="$(./run.sh token aalcorn@home.cern)" \
        SCIENTIST_TOKEN="$(./run.sh token phigg@home.cern)" \
        OTHER_SCIENTIST_TOKEN="$(./run.sh token kbouman@home.cern)" \
        node -e '
            const fs = require("fs");
            const [source, target] = process.argv.slice(1);
            const env = JSON.parse(fs.readFileSync(source, "utf8"));
            const tokens = {adminToken: "ADMIN_TOKEN", scientistToken: "SCIENTIST_TOKEN",
                            otherScientistToken: "OTHER_SCIENTIST_TOKEN"};
            for (const entry of env.values) {
                if (entry.key in tokens) entry.value = process.env[tokens[entry.key]];
            }
            fs.writeFileSync(target, JSON.stringify(env));
        ' "$env_file" "$TMP_ENV"
    "$NEWMAN" run "$POSTMAN_DIR/mymonit.postman_collection.json" \
        --environment "$TMP_ENV" \
        --ssl-extra-ca-certs "$RUN_DIR/tls/ca.crt" \
        --color off \
        "$@"
}

main "$@"
