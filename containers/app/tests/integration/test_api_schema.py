"""Schemathesis against /openapi.json: generated requests never cause a 5xx and answers match the spec.

Each operation gets its own Hypothesis run (the schemathesis pytest plugin's lazy fixtures do not
work with pytest 9, so the strategies are driven directly).
"""

from __future__ import annotations

import pytest
import schemathesis
from api_world import Caller
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def api_schema(app: Flask) -> OpenApiSchema:
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def _operations(api_schema: OpenApiSchema) -> list[schemathesis.APIOperation]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    return operations


def _without_cursor(case: schemathesis.Case) -> schemathesis.Case:
    """A keyset cursor is opaque: any string is schema-valid, and all but the server's own are
    rightly a 400, which schemathesis would take for valid data refused. Cursors have tests of
    their own (tests/unit/domain/test_cursors.py, and the leakage tests across experiments)."""
    if case.query:
        case.query.pop("cursor", None)
    return case


@pytest.mark.parametrize("role", ["admin", "scientist"])
def test_generated_requests_get_documented_answers_and_never_a_server_error(
    api_schema: OpenApiSchema, role: str, request: pytest.FixtureRequest,
) -> None:
    caller: Caller = request.getfixturevalue(role)
    failures: list[str] = []
    for operation in _operations(api_schema):

        @given(case=operation.as_strategy().map(_without_cursor))
        @EXAMPLES
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=caller.headers)

        try:
            check()
        except Exception as error:  # noqa: BLE001  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
