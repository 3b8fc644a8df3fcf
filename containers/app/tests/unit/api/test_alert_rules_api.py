"""/alert-rules/ over the fakes: a rule's life, and bad rules answered 422 naming the field."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask.testing import FlaskClient

from mymonit.domain.errors import InvalidField
from tests.unit.builders import a_rule_spec, bearer
from tests.unit.fakes import InMemoryStore, Services, caller_of

SCIENTIST = bearer("S001")  # associated with experiment 1, which holds rule 1
OUTSIDER = bearer("S002")


def a_rule(**changes: Any) -> dict[str, Any]:
    rule = {"name": "too-hot", "experiment_id": 1, "measure": "hertz", "sensor": "north", "tags": {"site": "a"},
            "statistic": "max", "condition": "above", "threshold": 80.0, "clear": 75.0, "window": 60, "for": 30,
            "no_data_after": 300, "severity": "critical", "webhook_url": "https://hooks.example.org/mymonit"}
    return {**rule, **changes}


def test_a_rule_defined_is_read_back_as_it_was_given(client: FlaskClient) -> None:
    answer = client.post("/alert-rules/", json=a_rule(), headers=SCIENTIST)

    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert answer.headers["Location"] == f"/alert-rules/{body['rule_id']}"
    assert body == {**a_rule(), "rule_id": body["rule_id"], "created_by": "S001"}
    assert client.get(answer.headers["Location"], headers=SCIENTIST).get_json() == body


def test_clear_defaults_to_the_threshold_and_for_to_zero(client: FlaskClient) -> None:
    given = {k: v for k, v in a_rule().items() if k not in ("clear", "for", "severity", "sensor", "tags",
                                                            "no_data_after", "webhook_url")}

    body = client.post("/alert-rules/", json=given, headers=SCIENTIST).get_json()

    assert (body["clear"], body["for"], body["severity"], body["sensor"], body["tags"]) == (80.0, 0, "warning",
                                                                                            None, {})


def test_the_list_holds_the_rules_of_the_callers_experiments(client: FlaskClient) -> None:
    client.post("/alert-rules/", json=a_rule(), headers=SCIENTIST)
    client.post("/alert-rules/", json=a_rule(experiment_id=2, name="elsewhere"), headers=OUTSIDER)

    mine = client.get("/alert-rules/", headers=SCIENTIST).get_json()
    everything = client.get("/alert-rules/", headers=bearer("A001")).get_json()

    assert [r["experiment_id"] for r in mine] == [1, 1]
    assert sorted(r["experiment_id"] for r in everything) == [1, 1, 2]
    assert client.get("/alert-rules/?experiment_id=2", headers=SCIENTIST).status_code == 403


def test_a_rule_is_redefined_whole_and_then_deleted(client: FlaskClient) -> None:
    replaced = client.put("/alert-rules/1", json=a_rule(name="renamed", threshold=90.0), headers=SCIENTIST)

    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    assert (replaced.get_json()["name"], replaced.get_json()["threshold"]) == ("renamed", 90.0)
    assert client.delete("/alert-rules/1", headers=SCIENTIST).status_code == 204
    assert client.get("/alert-rules/1", headers=SCIENTIST).status_code == 404


def test_another_experiments_rule_is_not_found(client: FlaskClient) -> None:
    for method in ("GET", "DELETE"):
        assert client.open("/alert-rules/1", method=method, headers=OUTSIDER).status_code == 404
    assert client.put("/alert-rules/1", json=a_rule(), headers=OUTSIDER).status_code == 404


def test_a_duplicate_name_in_the_experiment_is_a_conflict(client: FlaskClient) -> None:
    assert client.post("/alert-rules/", json=a_rule(name="vibrating"), headers=SCIENTIST).status_code == 409


@pytest.mark.parametrize(("changes", "field"), [
    ({"window": 0}, "window"),
    ({"window": 86_401}, "window"),
    ({"for": -1}, "for"),
    ({"no_data_after": 0}, "no_data_after"),
    ({"statistic": "median"}, "statistic"),
    ({"condition": "equal"}, "condition"),
    ({"threshold": "hot"}, "threshold"),
    ({"clear": 85.0}, "clear"),
    ({"condition": "below", "clear": 70.0}, "clear"),
    ({"severity": "panic"}, "severity"),
    ({"webhook_url": "ftp://hooks.example.org/"}, "webhook_url"),
    ({"webhook_url": "https://user:secret@hooks.example.org/"}, "webhook_url"),
    ({"webhook_url": "https://[E]:9/hook"}, "webhook_url"),  # a bracketed host that is no IPv6 address
    ({"measure": "furlong"}, "measure"),
    ({"sensor": ""}, "sensor"),
    ({"tags": {"site": 1}}, "tags.site"),
    ({"name": ""}, "name"),
    ({"experiment_id": 0}, "experiment_id"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_rule_answers_422_naming_the_field(client: FlaskClient, changes: dict[str, Any], field: str) -> None:
    answer = client.post("/alert-rules/", json=a_rule(**changes), headers=SCIENTIST)

    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert field in [error["field"] for error in answer.get_json()["errors"]]


def test_an_admin_naming_no_experiment_gets_404_and_a_scientist_403(client: FlaskClient) -> None:
    admin = client.post("/alert-rules/", json=a_rule(experiment_id=99), headers=bearer("A001"))

    assert admin.status_code == 404
    assert client.post("/alert-rules/", json=a_rule(experiment_id=99), headers=SCIENTIST).status_code == 403


def test_plain_http_even_to_this_machine_is_refused_outside_development(client: FlaskClient) -> None:
    answer = client.post("/alert-rules/", json=a_rule(webhook_url="http://127.0.0.1:8080/hook"), headers=SCIENTIST)

    assert (answer.status_code, answer.get_json()["errors"][0]["field"]) == (422, "webhook_url")


def test_in_development_plain_http_is_allowed_to_this_machine_only(services: Services, store: InMemoryStore) -> None:
    actor = caller_of(store, "S001")  # services_over builds the service as development does

    local = services.alert_rules.create(actor, dataclasses.replace(a_rule_spec("local"),
                                                                   webhook_url="http://localhost:9000/hook"))
    with pytest.raises(InvalidField, match="webhook_url"):
        services.alert_rules.create(actor, dataclasses.replace(a_rule_spec("remote"),
                                                               webhook_url="http://hooks.example.org/"))
    assert local.spec.webhook_url == "http://localhost:9000/hook"
