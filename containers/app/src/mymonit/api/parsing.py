"""Turning query strings and JSON bodies into validated models, with problems a client can act on."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from flask import request
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

from mymonit.api.errors import BadRequestInput
from mymonit.api.measure_schemas import TAG_PREFIX, TAGS_FIELD

M = TypeVar("M", bound=BaseModel)


def _errors(error: ValidationError, location: str) -> list[dict[str, Any]]:
    return [
        {"location": location, "field": ".".join(str(p) for p in item["loc"]) or None, "message": item["msg"]}
        for item in error.errors(include_url=False, include_input=False)
    ]


def parse_query(model: type[M], args: MultiDict[str, str]) -> M:
    """The model of a query string; `tag.<key>=<value>` parameters become its `tags` field, if it has one."""
    gathers_tags = TAGS_FIELD in model.model_fields
    unknown = {key for key in args if not (gathers_tags and key.startswith(TAG_PREFIX))} - {
        f.alias or name for name, f in model.model_fields.items() if name != TAGS_FIELD}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise BadRequestInput(400, "Unknown query parameter", f"unknown query parameter(s): {names}")
    repeated = [key for key in args if len(args.getlist(key)) > 1]
    if repeated:
        raise BadRequestInput(400, "Repeated query parameter", f"give each parameter once: {', '.join(repeated)}")
    values: dict[str, Any] = {key: value for key, value in args.items() if not key.startswith(TAG_PREFIX)}
    if gathers_tags:
        values[TAGS_FIELD] = {key.removeprefix(TAG_PREFIX): value for key, value in args.items()
                              if key.startswith(TAG_PREFIX)}
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise BadRequestInput(400, "Invalid query parameter", "a query parameter is invalid",
                              _errors(error, "query")) from error


def parse_body(model: type[M]) -> M:
    if not request.mimetype or request.mimetype != "application/json":
        raise BadRequestInput(415, "Unsupported media type", "send the body as application/json")
    try:
        data = orjson.loads(request.get_data(cache=False))
    except orjson.JSONDecodeError as error:
        raise BadRequestInput(400, "Malformed JSON", f"the body is not valid JSON: {error.msg}") from error
    if not isinstance(data, dict):
        raise BadRequestInput(422, "Invalid body", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise BadRequestInput(422, "Invalid body", "a field of the body is invalid", _errors(error, "body")) from error
