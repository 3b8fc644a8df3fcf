"""Schemathesis against /openapi.json: every answer to a generated request is one the document declares.

For each role (an ADMIN, and a SCIENTIST associated with an experiment that holds measures) and
each operation, Hypothesis generates valid requests and, separately, invalid ones. Every answer
must have a documented status, a documented content type (problem+json for every error,
docs/api.md, Errors), a body that matches the documented schema and the documented headers, and
no 5xx. Valid requests must also be accepted (a 2xx, or a 401/403/404/409 of the permission
rules) and need the token they declare; invalid ones must be refused with a 4xx.

The checks are named here rather than left to schemathesis's defaults (every built-in check): the
other built-ins act only in the CLI's coverage phase (missing_required_header, unsupported_method),
its stateful runs (use_after_free, ensure_resource_availability, object_level_authorization) or on
OPTIONS (allow_header_conformance), none of which this test drives. 429, 502 and 504 come from
nginx, in front of this app: tests/integration/deploy checks the 429.

Each operation gets its own Hypothesis run (the schemathesis pytest plugin's lazy fixtures do not
work with pytest 9, so the strategies are driven directly).
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from mymonit.domain.model import Experiment
from tests.support.api_world import Caller, World

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
               response_schema_conformance]
CHECKS = {
    GenerationMode.POSITIVE: [*CONFORMANCE, positive_data_acceptance, ignored_auth],
    GenerationMode.NEGATIVE: [*CONFORMANCE, negative_data_rejection],
}


@pytest.fixture(scope="module")
def api_schema(app: Flask) -> OpenApiSchema:
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module")
def readable(world: World, scientist: Caller) -> Experiment:
    """An experiment with measures that the scientist may read; about half the valid cases name its id."""
    experiment = world.experiment("schema")
    world.measures(experiment, [1.0, 2.5, 4.0])
    world.associate(scientist, experiment)
    return experiment


def _operations(api_schema: OpenApiSchema, mode: GenerationMode) -> list[schemathesis.APIOperation]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    if mode.is_negative:  # only an operation with inputs can be sent invalid ones
        operations = [op for op in operations if len(op.path_parameters) + len(op.query) + len(op.body)]
    return operations


def _cases(operation: schemathesis.APIOperation, mode: GenerationMode,
           experiment: Experiment) -> st.SearchStrategy[schemathesis.Case]:
    """Cases with any experiment_id, and cases with the readable one (so 200 bodies get checked too)."""
    cases = operation.as_strategy(mode)
    if mode.is_positive and "{experiment_id}" in operation.path:
        known = operation.as_strategy(mode, path_parameters={"experiment_id": experiment.experiment_id})
        cases = st.one_of(cases, known)
    return cases.map(_without_cursor).map(_clear_on_the_normal_side)


def _clear_on_the_normal_side(case: schemathesis.Case) -> schemathesis.Case:
    """An alert rule's `clear` must not lie beyond its threshold, a rule between two fields that JSON
    Schema cannot say: a generated `clear` on the wrong side is left out (it then defaults to the
    threshold). That rule has tests of its own (tests/unit/api/test_alert_rules_api.py)."""
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("clear"), float | int) \
            and isinstance(body.get("threshold"), float | int):
        wrong = body["clear"] > body["threshold"] if body.get("condition") == "above" \
            else body["clear"] < body["threshold"]
        if wrong:
            body.pop("clear")
    return case


def _without_cursor(case: schemathesis.Case) -> schemathesis.Case:
    """A keyset cursor is opaque: any string is schema-valid, and all but the server's own are
    rightly a 400, which schemathesis would take for valid data refused. Cursors have tests of
    their own (tests/unit/domain/test_cursors.py, and the leakage tests across experiments)."""
    if case.query:
        case.query.pop("cursor", None)
    return case


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ["admin", "scientist"])
def test_generated_requests_get_documented_answers_and_never_a_server_error(
    api_schema: OpenApiSchema, readable: Experiment, role: str, mode: GenerationMode, request: pytest.FixtureRequest,
) -> None:
    caller: Caller = request.getfixturevalue(role)
    failures: list[str] = []
    for operation in _operations(api_schema, mode):

        @given(case=_cases(operation, mode, readable))
        @settings(max_examples=EXAMPLES[mode], deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=caller.headers, checks=CHECKS[mode])

        try:
            check()
        except Exception as error:  # noqa: BLE001  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
