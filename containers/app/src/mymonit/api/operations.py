"""Declared operations: each route names its inputs and outputs once, for both Flask and OpenAPI.

A resource module declares its routes with `Api.operation(...)`; the decorator registers the view
on the blueprint, authenticates the caller when `secured`, parses the query and body with their
pydantic models, and keeps the metadata the OpenAPI document is built from.

The error statuses an operation answers are folded here, in `Operation.problem_statuses`: what the
decorator does (authenticate, parse, match the path) implies most of them, so a resource names only
its own (409, or 422 for a rule of the service). Their meanings are in `api/problems.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, g, request
from pydantic import BaseModel

from mymonit.api.parsing import parse_body, parse_query
from mymonit.audit import AuditEvent, AuditTrail, Outcome
from mymonit.logs import bind, current
from mymonit.services.access import require_admin


@dataclass(frozen=True)
class PathParameter:
    """A path parameter: the Flask converter its route matches with, and its OpenAPI schema."""

    converter: str
    schema: dict[str, Any]


_PATH_PARAMETERS = {
    "experiment_id": PathParameter("int", {"type": "integer", "minimum": 1}),
    "user_id": PathParameter("string", {"type": "string", "maxLength": 30}),
    "rule_id": PathParameter("int", {"type": "integer", "minimum": 1}),
    "alert_id": PathParameter("int", {"type": "integer", "minimum": 1}),
}
# Through nginx, any operation can meet its rate limit (429) or find the API down or slow (502,
# 504); any can meet a database or identity provider that is down, or a query too slow (503).
_EVERY_OPERATION = frozenset({429, 502, 503, 504})
_SECURED = frozenset({401, 403})  # a rejected token; an unregistered user, or one who may not do this
_WITH_QUERY = frozenset({400})  # parse_query
_WITH_BODY = frozenset({400, 413, 415, 422})  # parse_body, and Flask's MAX_CONTENT_LENGTH
# A path id the route's converter does not take (experiment_id "abc", a user_id holding "/")
# matches no route: werkzeug's 404, as a problem too.
_WITH_PATH = frozenset({404})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /measures/{experiment_id}
    summary: str
    tag: str
    secured: bool = True
    admin_only: bool = False  # refused with 403 before the query or body is even parsed
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: Any = None  # a pydantic model or type; None: no body
    status: int = 200
    media_type: str = "application/json"
    errors: tuple[int, ...] = ()  # the operation's own problem statuses, beyond those problem_statuses folds in
    also: tuple[int, ...] = ()  # other statuses with the same body (200 beside 201; 503 beside 200 for /health)
    description: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    audit: AuditEvent | None = None  # recorded when the view succeeds, with the fields it noted

    @property
    def path_parameters(self) -> dict[str, PathParameter]:
        return {name: param for name, param in _PATH_PARAMETERS.items() if f"{{{name}}}" in self.path}

    @property
    def problem_statuses(self) -> list[int]:
        """Every error status this operation may answer, ascending: its own `errors` and those its
        traits imply. Each is a problem document, unless `also` gives it the operation's own body."""
        statuses = set(self.errors) | _EVERY_OPERATION
        if self.secured:
            statuses |= _SECURED
        if self.query is not None:
            statuses |= _WITH_QUERY
        if self.body is not None:
            statuses |= _WITH_BODY
        if self.path_parameters:
            statuses |= _WITH_PATH
        return sorted(statuses)


def note(**fields: object) -> None:
    """Add fields to this request's audit event (what was read or changed; never personal data)."""
    g.setdefault("audit_fields", {}).update(fields)


def audit_when_streamed() -> None:
    """For a view whose body streams: its audit event waits for `streamed(...)`, at the stream's end."""
    g.audit_later = True


def streamed(outcome: Outcome, **fields: object) -> None:
    """Emit the audit event `audit_when_streamed()` held back, with the noted fields and these; once."""
    emit = g.pop("audit_emit", None)
    if emit is not None:
        emit(outcome, **{**g.get("audit_fields", {}), **fields})


def _held_back(trail: AuditTrail, event: AuditEvent) -> Callable[..., None]:
    """`emit(outcome, **fields)` for later: the stream outlives the request's bound context."""
    request_context = current()

    def emit(outcome: Outcome, **fields: object) -> None:
        with bind(**request_context):
            trail.emit(event, outcome, **fields)

    return emit


Authenticate = Callable[[], Any]
View = Callable[..., Any]


class Api:
    """The registry of operations; `authenticate()` returns the calling user or raises."""

    def __init__(self, authenticate: Authenticate, trail: AuditTrail) -> None:
        self.operations: list[Operation] = []
        self.blueprints: list[Blueprint] = []
        self._authenticate = authenticate
        self._trail = trail

    def blueprint(self, name: str) -> Blueprint:
        blueprint = Blueprint(name, __name__)
        self.blueprints.append(blueprint)
        return blueprint

    def operation(self, blueprint: Blueprint, operation: Operation) -> Callable[[View], View]:
        self.operations.append(operation)
        rule = operation.path
        for name, param in operation.path_parameters.items():
            rule = rule.replace(f"{{{name}}}", f"<{param.converter}:{name}>")

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def endpoint(**path: Any) -> Any:
                arguments = dict(path)
                if operation.secured:
                    arguments["actor"] = self._authenticate()
                if operation.admin_only:
                    require_admin(arguments["actor"])  # a caller who may not do this learns nothing of the input
                if operation.query is not None:
                    arguments["query"] = parse_query(operation.query, request.args)
                if operation.body is not None:
                    arguments["body"] = parse_body(operation.body)
                response = view(**arguments)
                if operation.audit is not None and g.get("audit_later"):
                    g.audit_emit = _held_back(self._trail, operation.audit)
                elif operation.audit is not None:
                    self._trail.emit(operation.audit, **g.get("audit_fields", {}))
                return response

            blueprint.add_url_rule(rule, view_func=endpoint, methods=[operation.method])
            return view

        return register
