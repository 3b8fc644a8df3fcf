"""Declared operations: each route names its inputs and outputs once, for both Flask and OpenAPI.

A resource module declares its routes with `Api.operation(...)`; the decorator registers the view
on the blueprint, authenticates the caller when `secured`, parses the query and body with their
pydantic models, and keeps the metadata the OpenAPI document is built from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, g, request
from pydantic import BaseModel

from mymonit.api.parsing import parse_body, parse_query
from mymonit.audit import AuditEvent, AuditTrail, Outcome, bind, current
from mymonit.services.access import require_admin


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
    errors: tuple[int, ...] = ()
    also: tuple[int, ...] = ()  # other success statuses with the same body (e.g. 200 beside 201)
    description: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    audit: AuditEvent | None = None  # recorded when the view succeeds, with the fields it noted


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
        rule = operation.path.replace("{", "<").replace("}", ">")
        for name, converter in (("experiment_id", "int"),):
            rule = rule.replace(f"<{name}>", f"<{converter}:{name}>")

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
