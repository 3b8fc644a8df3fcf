# shellcheck shell=bash
# The running stack, from outside, as clients see it:
#   stack-start    ./run.sh --detach (left running afterwards, for whatever comes next)
#   deploy-tests   tests/integration/deploy: TLS versions and suites, HTTP/2, the
#                  redirect, 413, headers, the rate limit, AMQPS with the CA and a wrong CA
#                  (they skipped in integration-tests if the stack was not up yet)
#   newman         the Postman collection (postman/) through nginx TLS with the CA
# Both read through the stack only data they made (experiments and grants with unique names,
# as the demo admin) and remove it afterwards, so they pass whatever a user did with the demo.
# Skipped under --fast: they need the servers.

checks_20_newman() {
    local fast="$1"
    ((fast)) && return 0
    check stack-start ./run.sh --detach
    if [[ " ${FAILED[*]} " == *" stack-start "* ]]; then
        fail "deploy-tests and newman skipped: the stack did not start"
        FAILED+=(deploy-tests newman)
        return 0
    fi
    check deploy-tests bash -c "cd '$APP_DIR' && '$VENV_DIR/bin/python' -m pytest tests/integration/deploy \
        -p no:cacheprovider --junitxml='$REPORTS/junit-deploy.xml'"
    check newman "$MYMONIT_ROOT/postman/run-newman.sh" native \
        --reporters cli,junit --reporter-junit-export "$REPORTS/junit-newman.xml"
}
