"""nginx in front of the API: TLS versions and suites, HTTP/2, redirect, body limit, headers.

The tests that read data through the proxy make their own (demo_admin.py): experiments with
unique names and grants to the demo scientists, removed afterwards, so they pass whatever a user
did with the demo stack.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.integration.deploy.demo_admin import (
    ADMIN_EMAIL,
    MADE,
    OTHER_SCIENTIST_EMAIL,
    OTHER_SCIENTIST_ID,
    SCIENTIST_EMAIL,
    SCIENTIST_ID,
    DemoAdmin,
)
from tests.integration.deploy.deploy_stack import CA_FILE, HTTP_PORT, HTTPS_PORT, ROOT, Stack, s_client

pytestmark = pytest.mark.usefixtures("stack")


MOST_REQUESTS = 5_000


@pytest.fixture(scope="session")
def stack() -> Stack:
    base = f"https://localhost:{HTTPS_PORT}"
    if not CA_FILE.exists():
        pytest.skip(f"no {CA_FILE.relative_to(ROOT)}: start the stack with ./run.sh --detach")
    try:
        answer = requests.get(f"{base}/health", verify=str(CA_FILE), timeout=3)
    except requests.RequestException as error:
        pytest.skip(f"{base}/health does not answer ({type(error).__name__}): start the stack with ./run.sh --detach")
    if answer.status_code != 200:
        pytest.skip(f"{base}/health answered {answer.status_code}: the stack is not healthy")
    return Stack(base, f"http://localhost:{HTTP_PORT}", CA_FILE)

# OpenSSL 3 refuses TLS 1.0/1.1 on the client side at its default security level;
# level 0 makes the client offer them, so that a refusal comes from the server.
OLD_PROTOCOL_CLIENT = ("-cipher", "DEFAULT:@SECLEVEL=0")


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1"])
def test_nginx_refuses_tls_1_0_and_1_1(version: str) -> None:
    done = s_client(HTTPS_PORT, version, *OLD_PROTOCOL_CLIENT)
    assert done.returncode != 0
    assert "alert protocol version" in done.stdout + done.stderr  # the server's alert, not a client error


@pytest.mark.parametrize(("version", "name"), [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")])
def test_nginx_accepts_tls_1_2_and_1_3_with_a_certificate_of_the_generated_ca(version: str, name: str) -> None:
    done = s_client(HTTPS_PORT, version, "-brief")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert f"Protocol version: {name}" in output
    assert "Verification: OK" in output


@pytest.mark.parametrize("suite", ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256"])
def test_nginx_refuses_tls_1_2_suites_without_forward_secrecy_or_aead(suite: str) -> None:
    done = s_client(HTTPS_PORT, "-tls1_2", "-cipher", suite)
    assert done.returncode != 0
    assert "alert handshake failure" in done.stdout + done.stderr


def test_nginx_negotiates_http2() -> None:
    done = s_client(HTTPS_PORT, "-alpn", "h2,http/1.1")
    assert "ALPN protocol: h2" in done.stdout


def test_plain_http_is_redirected_to_https_with_path_and_query(stack: Stack) -> None:
    answer = requests.get(f"{stack.http_url}/experiments/?limit=5", allow_redirects=False, timeout=5)
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{stack.base_url}/experiments/?limit=5"


def test_an_oversized_body_is_refused_by_the_proxy_with_413_problem(stack: Stack) -> None:
    answer = requests.post(f"{stack.base_url}/experiments/", data=b"x" * (2 * 1024 * 1024),
                           headers={"Content-Type": "application/json"}, verify=str(stack.ca_file), timeout=10)
    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 413


@pytest.mark.parametrize("path", ["/health", "/experiments/", "/no-such-path"])
def test_every_answer_carries_the_security_headers(stack: Stack, path: str) -> None:
    answer = requests.get(f"{stack.base_url}{path}", verify=str(stack.ca_file), timeout=5)
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in answer.headers or answer.headers["Server"] == "nginx"  # no version


def test_the_request_id_comes_from_the_proxy_not_from_the_client(stack: Stack) -> None:
    answer = requests.get(f"{stack.base_url}/health", headers={"X-Request-ID": "chosen-by-the-client"},
                          verify=str(stack.ca_file), timeout=5)
    request_id = answer.headers["X-Request-ID"]
    assert request_id != "chosen-by-the-client"
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0


@pytest.fixture(scope="session")
def admin_token(stack: Stack) -> str:
    return stack.token(ADMIN_EMAIL)


@pytest.fixture
def demo_admin(stack: Stack, admin_token: str) -> Iterator[DemoAdmin]:
    """The demo admin through the proxy; what the test made with it is removed afterwards, even on failure."""
    admin = DemoAdmin(stack, admin_token)
    yield admin
    problems = admin.clean_up()
    assert not problems, f"left behind on the demo stack: {problems}"


def _get(stack: Stack, path: str, token: str) -> requests.Response:
    return requests.get(f"{stack.base_url}{path}", headers={"Authorization": f"Bearer {token}"},
                        verify=str(stack.ca_file), timeout=10)


def test_peter_higg_reads_his_experiments_through_the_proxy(stack: Stack, demo_admin: DemoAdmin) -> None:
    granted = demo_admin.create_experiment("granted")
    not_granted = demo_admin.create_experiment("not-granted")
    demo_admin.grant(granted, SCIENTIST_ID)
    token = stack.token(SCIENTIST_EMAIL)

    answer = _get(stack, "/experiments/", token)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    listed = {e["experiment_id"]: e["name"] for e in answer.json()}
    assert listed.get(granted.experiment_id) == granted.name
    assert not_granted.experiment_id not in listed
    assert not_granted.name not in listed.values()

    mine = _get(stack, f"/experiments/{granted.experiment_id}", token)
    assert mine.status_code == 200
    assert mine.json() == {"experiment_id": granted.experiment_id, "name": granted.name}
    not_mine = _get(stack, f"/experiments/{not_granted.experiment_id}", token)
    assert not_mine.status_code == 404
    assert not_mine.headers["Content-Type"] == "application/problem+json"


def test_a_scientist_reads_the_measures_of_a_granted_experiment_only(stack: Stack, demo_admin: DemoAdmin) -> None:
    higgs = demo_admin.create_experiment("higg")
    boumans = demo_admin.create_experiment("bouman")
    demo_admin.grant(higgs, SCIENTIST_ID)
    demo_admin.grant(boumans, OTHER_SCIENTIST_ID)
    peter, katie = stack.token(SCIENTIST_EMAIL), stack.token(OTHER_SCIENTIST_EMAIL)

    own = _get(stack, f"/measures/{higgs.experiment_id}", peter)
    assert own.status_code == 200
    assert own.json() == []  # a new experiment holds no measures
    assert "Link" not in own.headers
    for token, experiment in ((peter, boumans), (katie, higgs)):
        refused = _get(stack, f"/measures/{experiment.experiment_id}", token)
        assert refused.status_code == 403
        assert refused.headers["Content-Type"] == "application/problem+json"


def test_a_revoked_grant_no_longer_shows_through_the_proxy(stack: Stack, demo_admin: DemoAdmin) -> None:
    experiment = demo_admin.create_experiment("revoked")
    demo_admin.grant(experiment, SCIENTIST_ID)
    token = stack.token(SCIENTIST_EMAIL)
    assert experiment.experiment_id in [e["experiment_id"] for e in _get(stack, "/experiments/", token).json()]

    revoked = demo_admin.call("DELETE", f"/scientists-experiments/{experiment.experiment_id}/{SCIENTIST_ID}")
    assert revoked.status_code == 204
    assert experiment.experiment_id not in [e["experiment_id"] for e in _get(stack, "/experiments/", token).json()]
    assert _get(stack, f"/experiments/{experiment.experiment_id}", token).status_code == 404


def test_the_deploy_tests_leave_no_experiment_behind(stack: Stack, admin_token: str) -> None:
    """Runs after the tests above: none of the experiments or grants they made remains."""
    admin = DemoAdmin(stack, admin_token)
    try:
        made = admin.create_experiment("cleanup")
        admin.grant(made, SCIENTIST_ID)
        assert admin.experiment_names().get(made.experiment_id) == made.name
    finally:
        assert admin.clean_up() == []
    remaining = admin.experiment_names()
    assert not {i: name for i, name in MADE.items() if remaining.get(i) == name}
    assert not set(MADE) & admin.granted_experiment_ids()


def test_the_proxy_answers_429_problem_to_a_client_over_its_rate(stack: Stack) -> None:
    """100 r/s per address with a burst of 200 (the defaults): requests on 32 connections until the
    proxy refuses one. Whatever the machine's speed, that takes more than 200 requests arriving
    faster than 100 a second; at most `MOST_REQUESTS` are sent, which a busy machine still meets."""
    limited_seen = threading.Event()
    sent = itertools.count()

    def hammer(_: int) -> list[requests.Response]:
        answers = []
        with requests.Session() as session:
            while not limited_seen.is_set() and next(sent) < MOST_REQUESTS:
                answer = session.get(f"{stack.base_url}/experiments/", verify=str(stack.ca_file), timeout=30)
                answers.append(answer)
                if answer.status_code == 429:
                    limited_seen.set()
        return answers

    with ThreadPoolExecutor(32) as pool:
        answers = [answer for batch in pool.map(hammer, range(32)) for answer in batch]
    time.sleep(3)  # the bucket refills before anything else goes through this proxy
    codes = {answer.status_code for answer in answers}
    assert codes == {401, 429}  # no token: cheap 401s from the API until the proxy steps in
    limited = next(answer for answer in answers if answer.status_code == 429)
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert limited.json()["status"] == 429
