"""Every error becomes an RFC 9457 `application/problem+json` answer — in this one module.

It also says what each problem status means (`PROBLEM_STATUSES`), for the OpenAPI document: the
statuses an operation answers are folded in `api/operations.py`, their descriptions live here,
beside the code that answers them (docs/api.md, Errors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mymonit.api.errors import BadRequestInput
from mymonit.audit import AuditEvent, AuditTrail, Outcome
from mymonit.domain import errors

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Exception)
MEDIA_TYPE = "application/problem+json"

# Most specific first: the first matching class decides the status.
_STATUS: list[tuple[type[Exception], int, str]] = [
    (errors.TokenRejected, 401, "Unauthenticated"),
    (errors.UnregisteredUser, 403, "Not registered"),
    (errors.Forbidden, 403, "Forbidden"),
    (errors.NotFound, 404, "Not found"),
    (errors.Conflict, 409, "Conflict"),
    (errors.NotAScientist, 422, "Not a scientist"),
    (errors.InvalidField, 422, "Invalid body"),
    (errors.InvalidRequest, 400, "Invalid request"),
    (errors.QueryTooSlow, 503, "Query too slow"),
]


@dataclass(frozen=True)
class DocumentedStatus:
    """What a problem status means to a client, and the headers that may come with it."""

    description: str
    headers: Mapping[str, str] = field(default_factory=dict)


# Every status an operation may declare (Operation.problem_statuses); the body is always a Problem.
# 429, 502 and 504 come from nginx, in the same format (containers/nginx/nginx.conf.template).
PROBLEM_STATUSES: dict[int, DocumentedStatus] = {
    400: DocumentedStatus("Bad request: a query parameter is unknown, repeated or invalid; malformed JSON;"
                          " a bad cursor; an unknown measure type"),
    401: DocumentedStatus("Unauthenticated: no bearer token, or a malformed, expired, disabled or revoked one",
                          {"WWW-Authenticate": 'the scheme to use: Bearer realm="mymonit"'}),
    403: DocumentedStatus("Forbidden: the token's account is not registered (or was erased),"
                          " or the caller may not do this"),
    404: DocumentedStatus("Not found: no such object, or one the caller may not know of;"
                          " or a path id the route does not take (an experiment_id that is not digits)"),
    409: DocumentedStatus("Conflict: a duplicate name, id, uid or email (or alert rule name in its experiment);"
                          " an experiment that holds measures;"
                          " an ADMIN changing their own role or erasing themself"),
    413: DocumentedStatus("Body too large: over REST_MAX_BODY_BYTES, or over 1 MiB at the proxy"),
    415: DocumentedStatus("Unsupported media type: the body is not application/json"),
    422: DocumentedStatus("Invalid body: a field is missing, unknown or invalid (`errors` names it);"
                          " or, for an association, a user who is not a SCIENTIST"),
    429: DocumentedStatus("Too many requests: the proxy's rate limit per client address"),
    502: DocumentedStatus("Bad gateway: the proxy cannot reach the API"),
    503: DocumentedStatus("Unavailable: the database or the identity provider cannot be reached"
                          " (with Retry-After), or a query ran longer than REST_QUERY_SECONDS",
                          {"Retry-After": "seconds to wait, when a dependency cannot be reached"}),
    504: DocumentedStatus("Gateway timeout: the API did not answer the proxy in time"),
}


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update({k: v for k, v in extra.items() if v})
    return Response(orjson.dumps(body), status=status, mimetype=MEDIA_TYPE)


def _domain(error: errors.DomainError) -> Response:
    for kind, status, title in _STATUS:
        if isinstance(error, kind):
            fields = [{"location": "body", "field": error.field, "message": error.message}] \
                if isinstance(error, errors.InvalidField) else None
            response = problem(status, title, str(error), errors=fields)
            if status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="mymonit", error="invalid_token"'
            return response
    log.error("unmapped domain error %s", type(error).__name__)
    return problem(500, "Internal error", "the request could not be completed")


def _bad_input(error: BadRequestInput) -> Response:
    return problem(error.status, error.title, error.detail, errors=error.errors)


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    response = problem(status, error.name, error.description if status != 500 else None)
    if status == 405 and error.response is None:
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _unavailable(error: errors.Unavailable) -> Response:
    log.warning("service unavailable: %s", error)
    response = problem(503, "Service unavailable", str(error))
    response.headers["Retry-After"] = "5"
    return response


def _unexpected(error: Exception) -> Response:
    log.error("unexpected error while serving %s %s", request.method, request.path, exc_info=error)
    return problem(500, "Internal error", "the request could not be completed; it has been logged")


def _audited(trail: AuditTrail, handler: Callable[[E], Response]) -> Callable[[E], Response]:
    """Wrap a handler so every refused or failed request leaves an audit event with its reason."""

    def handle(error: E) -> Response:
        response = handler(error)
        event, outcome = _event_of(error, response.status_code)
        fields: dict[str, Any] = {"method": request.method, "route": _route(), "status": response.status_code}
        if response.status_code < 500:
            fields["reason"] = str(error) if isinstance(error, errors.DomainError) else response.status
        trail.emit(event, outcome, **fields)
        return response

    return handle


def _event_of(error: Exception, status: int) -> tuple[AuditEvent, Outcome]:
    if isinstance(error, errors.TokenRejected):
        return AuditEvent.AUTH_TOKEN_REJECTED, Outcome.REJECTED
    if isinstance(error, errors.UnregisteredUser):
        return AuditEvent.AUTH_USER_UNREGISTERED, Outcome.DENIED
    if status == 403:
        return AuditEvent.AUTH_ACCESS_DENIED, Outcome.DENIED
    if status >= 500:
        return AuditEvent.API_REQUEST_FAILED, Outcome.FAILED
    return AuditEvent.API_REQUEST_REJECTED, Outcome.REJECTED


def _route() -> str:
    return request.url_rule.rule if request.url_rule else "unmatched"


def register_problem_handlers(app: Flask, trail: AuditTrail) -> None:
    app.register_error_handler(errors.DomainError, _audited(trail, _domain))
    app.register_error_handler(BadRequestInput, _audited(trail, _bad_input))
    app.register_error_handler(HTTPException, _audited(trail, _http))
    app.register_error_handler(errors.Unavailable, _audited(trail, _unavailable))
    app.register_error_handler(Exception, _audited(trail, _unexpected))
