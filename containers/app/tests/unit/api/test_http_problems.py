"""Every error over HTTP is an RFC 9457 problem with the right status, through the real app over fakes."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mymonit.domain.errors import QueryTooSlow, Unavailable
from tests.unit.builders import a_row, bearer, with_measures
from tests.unit.fakes import InMemoryStore, Ports

PROBLEM = "application/problem+json"
ADMIN = bearer("A001")


def problem_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The problem body, after checking the status, the media type and the RFC 9457 members."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert isinstance(body, dict)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["instance"] == response.request.path
    return body


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no Authorization header"),
        pytest.param({"Authorization": "Basic YWxsYW46c2VjcmV0"}, id="another scheme"),
        pytest.param({"Authorization": "Bearer "}, id="an empty token"),
        pytest.param({"Authorization": "Bearer forged-token"}, id="a token the verifier rejects"),
    ],
)
def test_a_missing_or_rejected_token_is_a_401_that_asks_for_a_bearer_token(
    client: FlaskClient, headers: dict[str, str],
) -> None:
    response = client.get("/experiments/", headers=headers)

    problem_of(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_genuine_token_of_an_unregistered_account_is_a_403(client: FlaskClient) -> None:
    response = client.get("/experiments/", headers=bearer("ghost"))

    assert problem_of(response, 403)["title"] == "Not registered"
    assert "WWW-Authenticate" not in response.headers


def test_a_scientist_calling_an_admin_operation_gets_a_403(client: FlaskClient) -> None:
    response = client.get("/users/", headers=bearer("S001"))

    assert problem_of(response, 403)["detail"] == "only an ADMIN may do this"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("POST", "/users/", {"user_id": 7}, id="POST /users/, wrong types"),
        pytest.param("POST", "/experiments/", "{not json", id="POST /experiments/, not JSON"),
        pytest.param("PUT", "/experiments/1", {}, id="PUT /experiments/1, missing name"),
    ],
)
def test_a_scientist_sending_an_invalid_body_to_an_admin_operation_gets_the_403_not_the_validation(
    client: FlaskClient, method: str, path: str, body: object,
) -> None:
    data = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}

    response = client.open(path, method=method, headers=bearer("S001"), **data)

    assert problem_of(response, 403)["detail"] == "only an ADMIN may do this"


def test_an_admin_reading_measures_gets_a_403(client: FlaskClient) -> None:
    problem_of(client.get("/measures/1", headers=ADMIN), 403)


def test_an_unknown_route_is_a_404_problem(client: FlaskClient) -> None:
    problem_of(client.get("/no-such-thing", headers=ADMIN), 404)


@pytest.mark.parametrize("path", ["/measures/abc", "/measures/-1/aggregate", "/experiments/1.5",
                                  "/scientists-experiments/x/S001", "/users/S001%2Fx"])
def test_a_path_id_the_route_does_not_take_is_a_404_problem(client: FlaskClient, path: str) -> None:
    problem_of(client.get(path, headers=bearer("S001")), 404)


def test_an_unknown_experiment_is_a_404_problem(client: FlaskClient) -> None:
    body = problem_of(client.put("/experiments/99", json={"name": "x"}, headers=ADMIN), 404)

    assert body["detail"] == "experiment 99 does not exist"


def test_a_method_a_route_does_not_have_is_a_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/experiments/", headers=ADMIN)

    problem_of(response, 405)
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_a_body_over_the_limit_is_a_413(client: FlaskClient, ports: Ports) -> None:
    body = b'{"name": "' + b"x" * 4_096 + b'"}'

    response = client.post("/experiments/", data=body, content_type="application/json", headers=ADMIN)

    problem_of(response, 413)
    assert len(ports.experiments.all()) == 2


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_a_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/experiments/", data='{"name": "x"}', content_type=content_type, headers=ADMIN)

    problem_of(response, 415)


@pytest.mark.parametrize("data", ['{"name": ', "{'name': 'x'}", "", "\xff"])
def test_malformed_json_is_a_400(client: FlaskClient, data: str) -> None:
    response = client.post("/experiments/", data=data, content_type="application/json", headers=ADMIN)

    assert problem_of(response, 400)["title"] == "Malformed JSON"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"name": "black\x00holes"}, "name", id="a control character"),
        pytest.param({"name": "e" * 256}, "name", id="an overlong name"),
        pytest.param({}, "name", id="a missing field"),
        pytest.param({"name": "ok", "owner": "A001"}, "owner", id="an undeclared field"),
    ],
)
def test_an_invalid_field_is_a_422_that_names_the_field(client: FlaskClient, body: dict[str, Any],
                                                        field: str) -> None:
    problem = problem_of(client.post("/experiments/", json=body, headers=ADMIN), 422)

    assert [(e["location"], e["field"]) for e in problem["errors"]] == [("body", field)]


def test_a_json_body_that_is_not_an_object_is_a_422(client: FlaskClient) -> None:
    problem_of(client.post("/experiments/", json=["name"], headers=ADMIN), 422)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        pytest.param("?colour=red", "Unknown query parameter", id="unknown"),
        pytest.param("?start=2022-04-06", "Unknown query parameter", id="a field name instead of its alias"),
        pytest.param("?limit=1&limit=2", "Repeated query parameter", id="repeated"),
        pytest.param("?limit=0", "Invalid query parameter", id="a limit below 1"),
        pytest.param("?limit=10001", "Invalid query parameter", id="a limit above 10000"),
        pytest.param("?order=sideways", "Invalid query parameter", id="an unknown order"),
        pytest.param("?from=yesterday", "Invalid query parameter", id="an unreadable moment"),
    ],
)
def test_a_bad_query_string_is_a_400(client: FlaskClient, query: str, title: str) -> None:
    response = client.get(f"/measures/1{query}", headers=bearer("S001"))

    assert problem_of(response, 400)["title"] == title


def test_an_invalid_query_value_names_the_parameter(client: FlaskClient) -> None:
    problem = problem_of(client.get("/measures/1?limit=0", headers=bearer("S001")), 400)

    assert [(e["location"], e["field"]) for e in problem["errors"]] == [("query", "limit")]


def test_an_unknown_measure_type_is_a_400(client: FlaskClient) -> None:
    response = client.get("/measures/1?measure=furlong", headers=bearer("S001"))

    assert "unknown measure type 'furlong'" in problem_of(response, 400)["detail"]


def test_a_malformed_cursor_is_a_400(client: FlaskClient) -> None:
    problem_of(client.get("/measures/1?cursor=not-a-cursor", headers=bearer("S001")), 400)


def test_an_unexpected_exception_is_a_500_without_its_detail_or_a_stack_trace(
    client: FlaskClient, ports: Ports, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def explode() -> list[object]:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(ports.experiments, "all", explode)

    with caplog.at_level(logging.ERROR):
        response = client.get("/experiments/", headers=ADMIN)

    problem_of(response, 500)
    text = response.get_data(as_text=True)
    assert "secret detail" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[1] is not None]
    assert [str(r.exc_info[1]) for r in logged if r.exc_info] == ["secret detail"]


def test_an_unavailable_database_is_a_503_with_retry_after(client: FlaskClient, ports: Ports,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> list[object]:
        raise Unavailable("the database cannot be reached")

    monkeypatch.setattr(ports.experiments, "all", unavailable)

    response = client.get("/experiments/", headers=ADMIN)

    problem_of(response, 503)
    assert response.headers["Retry-After"].isdigit()


def test_a_query_stopped_by_the_database_is_a_503_that_says_why_without_retry_after(
        client: FlaskClient, ports: Ports, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow() -> list[object]:
        raise QueryTooSlow(30)

    monkeypatch.setattr(ports.experiments, "all", too_slow)

    response = client.get("/experiments/", headers=ADMIN)

    body = problem_of(response, 503)
    assert body["title"] == "Query too slow"
    assert "after 30 s" in body["detail"]
    assert "Retry-After" not in response.headers


def test_a_duplicate_experiment_name_is_a_409(client: FlaskClient) -> None:
    problem_of(client.post("/experiments/", json={"name": "black-holes"}, headers=ADMIN), 409)


def test_deleting_an_experiment_that_holds_measures_is_a_409(client: FlaskClient, store: InMemoryStore) -> None:
    with_measures(store, 2, a_row(1))

    body = problem_of(client.delete("/experiments/2", headers=ADMIN), 409)

    assert "holds measures" in body["detail"]


def test_deleting_an_empty_experiment_answers_204_and_it_is_gone(client: FlaskClient) -> None:
    response = client.delete("/experiments/2", headers=ADMIN)

    assert response.status_code == 204
    problem_of(client.get("/experiments/2", headers=ADMIN), 404)


def test_an_admin_cannot_erase_themself_409(client: FlaskClient) -> None:
    problem_of(client.delete("/users/A001", headers=ADMIN), 409)


def test_associating_an_admin_is_a_422(client: FlaskClient) -> None:
    problem_of(client.post("/scientists-experiments/1/A001", headers=ADMIN), 422)


def test_a_creation_answers_201_with_the_object_and_its_location(client: FlaskClient) -> None:
    response = client.post("/experiments/", json={"name": "  gravitational-waves "}, headers=ADMIN)

    assert response.status_code == 201
    assert response.get_json() == {"experiment_id": 3, "name": "gravitational-waves"}
    assert response.headers["Location"] == "/experiments/3"


def test_granting_answers_201_when_new_and_200_when_it_already_existed(client: FlaskClient) -> None:
    first = client.post("/scientists-experiments/1/S003", headers=ADMIN)
    second = client.post("/scientists-experiments/1/S003", headers=ADMIN)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.headers["Location"] == "/scientists-experiments/1/S003"
    assert second.get_json() == {"experiment_id": 1, "user_id": "S003"}


def test_revoking_answers_204_and_then_404(client: FlaskClient) -> None:
    first = client.delete("/scientists-experiments/1/S001", headers=ADMIN)

    assert (first.status_code, first.get_data()) == (204, b"")
    problem_of(client.delete("/scientists-experiments/1/S001", headers=ADMIN), 404)


def test_a_scientist_updating_their_own_role_gets_a_403(client: FlaskClient) -> None:
    body = {"name": "Peter Higg", "email": "s001@home.cern", "role": "ADMIN"}

    problem_of(client.put("/users/S001", json=body, headers=bearer("S001")), 403)


@pytest.mark.parametrize("path", ["/health", "/openapi.json", "/docs"])
def test_health_the_document_and_the_docs_need_no_token(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_a_request_id_from_the_proxy_is_echoed_and_a_missing_one_is_made(client: FlaskClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "req-12345678"})
    made = client.get("/health")

    assert given.headers["X-Request-ID"] == "req-12345678"
    assert len(made.headers["X-Request-ID"]) == 32
    assert made.headers["Cache-Control"] == "no-store"
