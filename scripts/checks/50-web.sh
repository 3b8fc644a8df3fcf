# shellcheck shell=bash
# The web page (containers/web). Always: its unit tests (node --test, no server, no npm packages).
# Without --fast: the build, the bundle checks and the end-to-end tests in Debian's chromium,
# driven by playwright-core against ./run.sh --detach through nginx TLS; screenshots of every step
# in reports/web/, JUnit in reports/junit-web-e2e.xml. Sourced by run-checks.sh.

. "$MYMONIT_ROOT/scripts/lib/packages.sh"
. "$MYMONIT_ROOT/scripts/lib/web.sh"

checks_50_web() {
    local fast="$1"
    check web-unit-tests _web_unit_tests
    ((fast)) && return 0
    check web-e2e-tests _web_e2e_tests
}

# Subshells: a `die` inside fails this check only, not the whole run.
_web_unit_tests() (
    _web_require_node
    cd "$WEB_DIR" && node --test --test-reporter=spec test/
)

_web_e2e_tests() (
    ensure_packages chromium || exit 1
    web_build || exit 1
    ./run.sh --detach || exit 1
    mkdir -p "$REPORTS/web"
    cd "$WEB_DIR" && MYMONIT_WEB_REPORTS="$REPORTS/web" node --test --test-concurrency=1 --test-timeout=120000 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=junit --test-reporter-destination="$REPORTS/junit-web-e2e.xml" e2e/
)
