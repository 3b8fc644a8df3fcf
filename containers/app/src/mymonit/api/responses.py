"""JSON answers, serialised with orjson."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Response, request

from mymonit.domain.model import Experiment, User
from mymonit.domain.timestamps import iso_utc


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status=status, mimetype="application/json", headers=headers)


def created(data: Any, location: str) -> Response:
    return json_response(data, 201, {"Location": location})


def no_content() -> Response:
    return Response(status=204)


NEXT_PAGE = {"Link": 'RFC 8288 link to the next page: <...>; rel="next"'}  # an Operation's documented header


def next_page(name: str, value: str) -> dict[str, str]:
    """The Link header to this request's next page: its query with `name` set to `value`."""
    params = {**request.args, name: value}
    return {"Link": f'<{request.path}?{urlencode(params)}>; rel="next"'}


iso = iso_utc


def experiment_json(experiment: Experiment) -> dict[str, Any]:
    return {"experiment_id": experiment.experiment_id, "name": experiment.name}


def user_json(user: User) -> dict[str, Any]:
    return {
        "user_id": user.user_id,
        "name": user.name.reveal(),
        "username": user.username.reveal(),
        "email": user.email.reveal(),
        "role": user.role.value,
        "erased": user.is_erased,
    }
