"""The OpenAPI 3.1 document, built from the declared operations and their pydantic models.

Each operation documents its own answers and every problem status it may answer
(`Operation.problem_statuses`), described as `api/problems.py` says (docs/api.md, Errors).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter

from mymonit import __version__
from mymonit.api.operations import Operation
from mymonit.api.problems import MEDIA_TYPE, PROBLEM_STATUSES
from mymonit.api.schemas import Problem

_REF = "#/components/schemas/{model}"
# The answers that carry the operation's own body (`Operation.status` and `also`).
_ANSWERS = {200: "OK", 201: "Created", 204: "No content",
            503: "Unavailable: the database does not answer (the body says so)"}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def of(self, annotation: Any) -> dict[str, Any]:
        schema = TypeAdapter(annotation).json_schema(ref_template=_REF)
        self.components.update(schema.pop("$defs", {}))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and "properties" in schema:
            self.components[annotation.__name__] = schema
            return {"$ref": _REF.format(model=annotation.__name__)}
        return schema


def build_openapi(operations: list[Operation], measure_types: list[str]) -> dict[str, Any]:
    """The document; `measure_types` (from the database) become the enum of every `measure` parameter and
    body field."""
    schemas = _Schemas()
    problem_ref = schemas.of(Problem)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        spec = _operation(op, schemas, problem_ref)
        for param in spec["parameters"]:
            if param["name"] == "measure":
                param["schema"] = {"type": "string", "enum": measure_types}
        paths.setdefault(op.path, {})[op.method.lower()] = spec
    for schema in schemas.components.values():
        if "measure" in schema.get("properties", {}):
            schema["properties"]["measure"] = {**schema["properties"]["measure"], "enum": measure_types}
    return {
        "openapi": "3.1.0",
        "info": {"title": "MyMONIT", "version": __version__,
                 "description": "Measures of scientific experiments, for the scientists associated with them."},
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}},
        },
    }


def _operation(op: Operation, schemas: _Schemas, problem_ref: dict[str, Any]) -> dict[str, Any]:
    name = op.path.strip("/").replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")
    spec: dict[str, Any] = {
        "operationId": f"{op.method.lower()}_{name or 'root'}",
        "summary": op.summary, "tags": [op.tag], "parameters": _parameters(op, schemas),
        "responses": _responses(op, schemas, problem_ref),
    }
    if op.description:
        spec["description"] = op.description
    if op.secured:
        spec["security"] = [{"bearer": []}]
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": schemas.of(op.body)}}}
    return spec


def _parameters(op: Operation, schemas: _Schemas) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": dict(param.schema)}
        for name, param in op.path_parameters.items()
    ]
    if op.query is not None:
        model_schema = TypeAdapter(op.query).json_schema(ref_template=_REF, by_alias=True)
        schemas.components.update(model_schema.pop("$defs", {}))
        required = set(model_schema.get("required", []))
        for field, schema in model_schema.get("properties", {}).items():
            description = schema.pop("description", None)
            param = {"name": field, "in": "query", "required": field in required, "schema": schema}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _responses(op: Operation, schemas: _Schemas, problem_ref: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": _ANSWERS[op.status]}
    if op.response is not None and op.status != 204:
        success["content"] = {op.media_type: {"schema": schemas.of(op.response)}}
    if op.headers:
        success["headers"] = _headers(op.headers)
    responses: dict[str, Any] = {str(op.status): success}
    for status in op.also:
        responses[str(status)] = {**success, "description": _ANSWERS[status]}
    for status in op.problem_statuses:  # a status answered with the operation's own body keeps it (/health's 503)
        responses.setdefault(str(status), _problem(status, problem_ref))
    return responses


def _problem(status: int, problem_ref: dict[str, Any]) -> dict[str, Any]:
    documented = PROBLEM_STATUSES[status]
    answer: dict[str, Any] = {"description": documented.description, "content": {MEDIA_TYPE: {"schema": problem_ref}}}
    if documented.headers:
        answer["headers"] = _headers(documented.headers)
    return answer


def _headers(described: Mapping[str, str]) -> dict[str, Any]:
    return {name: {"description": text, "schema": {"type": "string"}} for name, text in described.items()}
