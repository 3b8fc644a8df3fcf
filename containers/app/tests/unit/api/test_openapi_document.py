"""The OpenAPI document built from the real resource modules, registered against services over fakes."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from mymonit.api.app import registered_api
from mymonit.api.openapi import build_openapi
from mymonit.api.operations import Api
from mymonit.api.problems import PROBLEM_STATUSES
from mymonit.bootstrap import api_parts
from mymonit.container import Container
from tests.unit.builders import bearer
from tests.unit.fakes import Services

# The operations of the REST contract (docs/design.md, REST contract), in OpenAPI path syntax.
DESIGN_OPERATIONS = {
    ("get", "/experiments/"), ("post", "/experiments/"), ("put", "/experiments/{experiment_id}"),
    ("get", "/users/"), ("post", "/users/"), ("put", "/users/{user_id}"), ("delete", "/users/{user_id}"),
    ("get", "/scientists-experiments/"),
    ("post", "/scientists-experiments/{experiment_id}/{user_id}"),
    ("delete", "/scientists-experiments/{experiment_id}/{user_id}"),
    ("get", "/measure-types/"), ("get", "/measures/{experiment_id}"),
    ("get", "/health"), ("get", "/metrics"), ("get", "/openapi.json"),
}
WITHOUT_TOKEN = {"/health", "/metrics", "/openapi.json"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Answered by nginx in front of every operation (containers/nginx/nginx.conf.template).
FROM_THE_PROXY = {"429", "502", "504"}


@pytest.fixture
def api(container: Container) -> Api:
    """Registered as create_app does; authenticate is never called while the document is built."""
    return registered_api(api_parts(container))


def measure_type_names(services: Services) -> list[str]:
    return [t.name for t in services.measure_types.all()]


@pytest.fixture
def document(api: Api, services: Services) -> dict[str, Any]:
    return build_openapi(api.operations, measure_type_names(services))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, spec) for path, item in document["paths"].items()
            for method, spec in item.items() if method in HTTP_METHODS]


def test_the_document_declares_every_operation_of_the_design(document: dict[str, Any]) -> None:
    declared = {(method, path) for method, path, _ in operations(document)}

    assert DESIGN_OPERATIONS - declared == set()


def test_every_operation_needs_a_bearer_token_except_health_metrics_and_the_document(
    document: dict[str, Any],
) -> None:
    for method, path, spec in operations(document):
        if path in WITHOUT_TOKEN:
            assert "security" not in spec, (method, path)
        else:
            assert spec.get("security") == [{"bearer": []}], (method, path)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}


def test_every_secured_operation_declares_401_and_403_as_problems(document: dict[str, Any]) -> None:
    for method, path, spec in operations(document):
        if path in WITHOUT_TOKEN:
            continue
        for status in ("401", "403"):
            assert spec["responses"].get(status, {}).get("content") == PROBLEM, (method, path, status)
        assert "WWW-Authenticate" in spec["responses"]["401"]["headers"], (method, path)


def test_every_operation_declares_the_proxys_429_502_and_504_and_a_503_as_problems(
    document: dict[str, Any],
) -> None:
    for method, path, spec in operations(document):
        for status in FROM_THE_PROXY:
            assert spec["responses"].get(status, {}).get("content") == PROBLEM, (method, path, status)
        assert "503" in spec["responses"], (method, path)
    assert "Retry-After" in document["paths"]["/experiments/"]["get"]["responses"]["503"]["headers"]


def test_every_operation_with_a_path_id_declares_404_as_a_problem(document: dict[str, Any]) -> None:
    with_ids = [(method, path, spec) for method, path, spec in operations(document) if "{" in path]

    assert {path for _, path, _ in with_ids} >= {"/measures/{experiment_id}", "/measures/{experiment_id}/aggregate",
                                                 "/measures/{experiment_id}/export", "/users/{user_id}"}
    for method, path, spec in with_ids:
        assert spec["responses"].get("404", {}).get("content") == PROBLEM, (method, path)


@pytest.mark.parametrize("malformed", ["abc", "1.5", "-1"])
def test_every_operation_with_an_integer_path_id_answers_a_404_problem_for_one_that_is_not_digits(
    client: FlaskClient, document: dict[str, Any], malformed: str,
) -> None:
    for method, path, _ in operations(document):
        if "{experiment_id}" not in path:
            continue
        url = path.replace("{experiment_id}", malformed).replace("{user_id}", "S001")

        response = client.open(url, method=method.upper(), headers=bearer("S001"))

        assert (response.status_code, response.mimetype) == (404, "application/problem+json"), (method, url)


def test_every_error_status_is_a_problem_described_as_problems_py_says_except_the_healths_own_503(
    document: dict[str, Any],
) -> None:
    for method, path, spec in operations(document):
        for status, answer in spec["responses"].items():
            if int(status) < 400 or (path, status) == ("/health", "503"):
                continue
            assert answer["content"] == PROBLEM, (method, path, status)
            assert answer["description"] == PROBLEM_STATUSES[int(status)].description, (method, path, status)
    health = document["paths"]["/health"]["get"]["responses"]["503"]["content"]
    assert health == {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}


def test_an_operation_lists_only_the_problem_statuses_its_traits_do_not_imply(api: Api) -> None:
    for op in api.operations:
        implied = dataclasses.replace(op, errors=()).problem_statuses

        assert set(op.errors).isdisjoint(implied), (op.method, op.path, op.errors)


def test_operations_with_a_body_declare_the_body_errors_and_those_with_a_query_declare_400(
    document: dict[str, Any],
) -> None:
    for method, path, spec in operations(document):
        if "requestBody" in spec:
            assert {"400", "413", "415", "422"} <= set(spec["responses"]), (method, path)
        if any(p["in"] == "query" for p in spec["parameters"]):
            assert "400" in spec["responses"], (method, path)


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = Counter(spec["operationId"] for _, _, spec in operations(document))

    assert [name for name, count in ids.items() if count > 1] == []
    assert len(ids) == len(operations(document))


def test_every_path_parameter_is_declared_and_required(document: dict[str, Any]) -> None:
    for method, path, spec in operations(document):
        in_template = {part.strip("{}") for part in path.split("/") if part.startswith("{")}
        declared = {p["name"] for p in spec["parameters"] if p["in"] == "path" and p["required"]}
        assert declared == in_template, (method, path)


def test_every_schema_reference_names_a_component(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    found = refs(document)
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in components, ref


def test_the_measures_page_documents_its_query_parameters_and_link_header(document: dict[str, Any]) -> None:
    spec = document["paths"]["/measures/{experiment_id}"]["get"]

    assert {p["name"] for p in spec["parameters"] if p["in"] == "query"} == {
        "from", "to", "measure", "limit", "order", "cursor", "sensor"}
    assert "Link" in spec["responses"]["200"]["headers"]


def test_every_measure_parameter_lists_the_known_measure_types(document: dict[str, Any]) -> None:
    measure_params = [p for _, _, spec in operations(document) for p in spec["parameters"] if p["name"] == "measure"]

    assert len(measure_params) >= 3  # pages, aggregate, export (and the series listing)
    for param in measure_params:
        assert param["schema"] == {"type": "string", "enum": ["hertz", "newton"]}
        assert not param["required"]


def test_the_served_document_is_the_one_the_resource_modules_declare(client: FlaskClient,
                                                                     document: dict[str, Any]) -> None:
    served = client.get("/openapi.json")

    assert served.status_code == 200
    assert served.get_json() == document


def test_the_document_is_valid_openapi_3_1_for_openapi_spec_validator(document: dict[str, Any]) -> None:
    if importlib.util.find_spec("openapi_spec_validator") is None:
        pytest.skip("openapi_spec_validator is not installed in this venv")
    validator = importlib.import_module("openapi_spec_validator")

    validator.validate(document)


def test_the_document_is_valid_against_the_openapi_3_1_schema_that_schemathesis_bundles(
    document: dict[str, Any],
) -> None:
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    validator = definitions.OPENAPI_31_VALIDATOR

    assert [error.message for error in validator.iter_errors(document)] == []
    assert document["openapi"].startswith("3.1.")
