"""Canaries through the real API: nothing personal or secret leaves the process, every event does.

A user is created with a canary name and email and a canary Firebase uid; they sign in (a real
ID token), read, get refused, are renamed and erased; a forged token carries a canary; the DB and
broker passwords are the real ones from the settings, logged the way a failing library would log
a DSN. Everything that reaches the Logstash stand-in and the console is then searched.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from mymonit.config import Settings
from mymonit.domain.model import Experiment
from mymonit.logs import hash_client
from tests.integration.audit.audit_capture import AuditCapture, Captured
from tests.support.api_world import T0, Caller, World
from tests.support.emulator import Account

CLIENT_IP = "203.0.113.77"  # sent as X-Forwarded-For through the trusted loopback proxy
FROM, TO = "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"
RANGE = ["2024-01-01T00:00:00.000000Z", "2024-01-01T00:01:00.000000Z"]
INVALID_TOKEN = "the token is not a valid Firebase ID token"


@dataclass
class Expected:
    """One audit event the scenario must produce, found by its request id."""

    event: str
    outcome: str
    user_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)


class Scenario:
    """API calls, each with its own request id, and the audit event each must leave."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.expected: dict[str, Expected] = {}

    def call(self, method: str, path: str, headers: dict[str, str], expect: Expected, status: int,
             **kwargs: Any) -> Any:
        request_id = f"canary-{len(self.expected):02d}-{secrets.token_hex(4)}"
        response = self.client.open(path, method=method, headers={
            **headers, "X-Request-ID": request_id, "X-Forwarded-For": CLIENT_IP}, **kwargs)
        body = response.get_data(as_text=True)  # to the end: a streamed response is audited when it ends
        assert response.status_code == status, (method, path, body)
        self.expected[request_id] = expect
        return response


@dataclass
class Cast:
    """The canary user and what the scenario needs around them."""

    admin: Caller
    canaries: dict[str, str]
    user_id: str
    account: Account
    stranger: Account
    experiment: Experiment
    foreign: Experiment

    @property
    def admin_id(self) -> str:
        assert self.admin.user is not None
        return self.admin.user.user_id


def test_no_canary_leaves_the_process_and_every_api_event_arrives_with_its_fields(
    client: FlaskClient, world: World, admin: Caller, settings: Settings, capture: AuditCapture,
) -> None:
    cast, scenario = canary_cast(world, admin, settings), Scenario(client)

    admin_creates_the_user(scenario, cast)
    me = {"Authorization": f"Bearer {sign_in(world, cast)}"}
    the_user_reads(scenario, cast, me)
    requests_are_refused(scenario, cast, me, world)
    admin_renames_then_erases_the_user(scenario, cast, me)
    log_like_a_failing_library(settings)
    captured = capture.finish(audit_events=len(scenario.expected))

    assert captured.leaked(cast.canaries) == []
    assert_every_event_arrived(captured, scenario.expected)


def canary_cast(world: World, admin: Caller, settings: Settings) -> Cast:
    hexa = secrets.token_hex(4)
    account, stranger = world.emulator.new_account("canaryuid"), world.emulator.new_account("canarystranger")
    canaries = {
        "name": f"Quintessa Canarywing {hexa}", "new name": f"Ottoline Canaryfeather {hexa}",
        "email": f"canary.mail.{hexa}@tests.mymonit.invalid", "uid": account.uid, "stranger uid": stranger.uid,
        "forged token": f"canary-forged-token-{hexa}", "query token": f"canary-query-token-{hexa}",
        "db password": settings.DB_PASSWORD.get_secret_value(),
        "broker password": settings.RABBIT_PASSWORD.get_secret_value(),
        "client address": CLIENT_IP,
    }
    experiment, foreign = world.experiment("canary"), world.experiment("canary-foreign")
    world.measures(experiment, [1.0, 2.0, 3.0], start=T0, step=timedelta(seconds=10))
    return Cast(admin, canaries, f"C{hexa}", account, stranger, experiment, foreign)


def sign_in(world: World, cast: Cast) -> str:
    token = world.emulator.token(cast.account)
    cast.canaries["id token"] = token
    return token


def admin_creates_the_user(scenario: Scenario, cast: Cast) -> None:
    body = {"user_id": cast.user_id, "name": cast.canaries["name"], "username": cast.account.uid,
            "email": cast.canaries["email"], "role": "SCIENTIST"}
    scenario.call("POST", "/users/", cast.admin.headers, Expected(
        "api:user:created", "success", cast.admin_id, {"target_user_id": cast.user_id, "role": "SCIENTIST"}),
        201, json=body)
    scenario.call("POST", f"/scientists-experiments/{cast.experiment.experiment_id}/{cast.user_id}",
                  cast.admin.headers, Expected("api:association:granted", "success", cast.admin_id, {
                      "experiment_id": cast.experiment.experiment_id, "target_user_id": cast.user_id, "new": True}),
                  201)


def the_user_reads(scenario: Scenario, cast: Cast, me: dict[str, str]) -> None:
    who, exp = cast.user_id, cast.experiment.experiment_id
    period = {"from": FROM, "to": TO}
    scenario.call("GET", "/users/me", me, Expected("api:user:read", "success", who, {"target_user_id": who}), 200)
    scenario.call("GET", "/experiments/", me, Expected("api:experiments:listed", "success", who, {"count": 1}), 200)
    scenario.call("GET", f"/experiments/{exp}", me, Expected(
        "api:experiment:read", "success", who, {"experiment_id": exp}), 200)
    scenario.call("GET", f"/measures/{exp}", me, Expected("api:measures:read", "success", who, {
        "experiment_id": exp, "range": RANGE, "rows": 3, "measure": None}), 200, query_string=period)
    scenario.call("GET", f"/measures/{exp}/aggregate", me, Expected("api:measures:aggregated", "success", who, {
        "experiment_id": exp, "range": RANGE, "buckets": 1}), 200, query_string=period | {"buckets": 1})
    scenario.call("GET", f"/measures/{exp}/export", me, Expected("api:measures:exported", "success", who, {
        "experiment_id": exp, "range": RANGE, "rows": 3, "complete": True}), 200, query_string=period)


def requests_are_refused(scenario: Scenario, cast: Cast, me: dict[str, str], world: World) -> None:
    route = "/measures/<int:experiment_id>"
    scenario.call("GET", f"/measures/{cast.foreign.experiment_id}", me, Expected(
        "auth:access:denied", "denied", cast.user_id, {"status": 403, "route": route}), 403)
    scenario.call("GET", f"/measures/{cast.experiment.experiment_id}", me, Expected(
        "api:request:rejected", "rejected", cast.user_id, {"status": 400, "route": route}), 400,
        query_string={"token": cast.canaries["query token"]})
    scenario.call("GET", "/users/me", {"Authorization": f"Bearer {cast.canaries['forged token']}"}, Expected(
        "auth:token:rejected", "rejected", None, {"status": 401, "reason": INVALID_TOKEN}), 401)
    scenario.call("GET", "/users/me", {"Authorization": f"Bearer {world.emulator.token(cast.stranger)}"}, Expected(
        "auth:user:unregistered", "denied", None, {"status": 403}), 403)


def admin_renames_then_erases_the_user(scenario: Scenario, cast: Cast, me: dict[str, str]) -> None:
    scenario.call("PUT", f"/users/{cast.user_id}", cast.admin.headers, Expected(
        "api:user:updated", "success", cast.admin_id, {
            "target_user_id": cast.user_id, "before": {"role": "SCIENTIST"}, "after": {"role": "SCIENTIST"},
            "personal_fields_changed": ["name"]}), 200,
        json={"name": cast.canaries["new name"], "email": cast.canaries["email"]})
    scenario.call("DELETE", f"/users/{cast.user_id}", cast.admin.headers, Expected(
        "api:user:erased", "success", cast.admin_id, {"target_user_id": cast.user_id}), 200)
    scenario.call("GET", "/users/me", me, Expected("auth:user:unregistered", "denied", None, {"status": 403}), 403)


def log_like_a_failing_library(settings: Settings) -> None:
    """Credentials in a message argument and in a traceback, as pika or a driver would log them."""
    logging.getLogger("pika.adapters").warning("connection to %s failed", settings.amqp_url())
    password = settings.DB_PASSWORD.get_secret_value()
    try:
        raise ConnectionError(f"mysql://{settings.DB_USER}:{password}@{settings.DB_HOST}/x refused ({password})")
    except ConnectionError:
        logging.getLogger("mymonit.storage").exception("database unreachable")


def assert_every_event_arrived(captured: Captured, expected: dict[str, Expected]) -> None:
    for events in (captured.audit_events(), captured.console_audit_events()):
        by_request = {str(event["request_id"]): event for event in events if event["request_id"] in expected}
        assert sorted(by_request) == sorted(expected), "one audit event per request, no more, no less"
        for request_id, want in expected.items():
            got = by_request[request_id]
            assert (got["event"], got["outcome"], got["user_id"], got["client"]) == (
                want.event, want.outcome, want.user_id, hash_client(CLIENT_IP)), request_id
            assert {key: got.get(key) for key in want.fields} == want.fields, request_id
