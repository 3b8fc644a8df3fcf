"""The API's own error families; api/problems.py maps them, and the domain's (domain/errors.py), to HTTP.

Everything else the API answers comes from the domain's errors, werkzeug's HTTP exceptions (404
of an unknown path, 405, 413) or nginx in front (429, 502, 504): see docs/api.md, Errors.
"""

from __future__ import annotations

from typing import Any


class BadRequestInput(Exception):
    """The request cannot be understood; `status` is 400, 415 or 422, `errors` says where."""

    def __init__(self, status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
