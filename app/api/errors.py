"""JSON errors for the API (the `Error` shape), never an HTML page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from app.api.shapes import Error, ErrorDetail
from app.errors import DomainError, DuplicateError

API_PREFIX = "/api/"

MESSAGES = {
    400: "The request is malformed.",
    401: "Send a valid API token: 'Authorization: Bearer <token>' (create one under API tokens).",
    403: "Your account's role does not allow this.",
    404: "There is nothing at this address, or your account cannot see it.",
    405: "This address does not accept that method.",
    409: "This conflicts with existing data.",
    413: "The request body is larger than allowed.",
    415: "Send the body as JSON (Content-Type: application/json).",
    500: "Something failed on our side; nothing was saved. Try again, or tell us if it persists.",
}


class ApiError(Exception):
    """A refused API request: status, a message saying what to fix, and per-field messages."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}

    @classmethod
    def from_domain(cls, error: DomainError, renamed: Mapping[str, str] | None = None) -> ApiError:
        """`renamed`: the API's name of a field the operation calls otherwise (its form's)."""
        status = 409 if isinstance(error, DuplicateError) else 400
        field = (renamed or {}).get(error.field or "", error.field)
        return cls(status, error.message, {field: error.message} if field else {})


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> Response:
    detail = ErrorDetail(status=status, message=message, **({"fields": fields} if fields else {}))
    response = jsonify(Error(error=detail).as_json())
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="HireLab API"'
    return response


def handle_api_error(error: ApiError) -> Response:
    from app.extensions import db

    db.session.rollback()  # a refused request writes nothing
    return error_response(error.status, error.message, error.fields)


def handle_http_error(error: HTTPException) -> Response:
    from app.extensions import db

    db.session.rollback()
    status = error.code or 500
    response = error_response(status, MESSAGES.get(status, error.description or error.name))
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


def register_blueprint_handlers(bp) -> None:
    bp.register_error_handler(ApiError, handle_api_error)
    # Per code as well: the app's HTML pages for these codes would otherwise win (Flask looks up
    # handlers by code before class).
    for status in MESSAGES:
        bp.register_error_handler(status, handle_http_error)
    bp.register_error_handler(HTTPException, handle_http_error)


def json_for_unrouted_api_paths(app: Flask) -> None:
    """404/405 under /api/ match no blueprint, so the app's HTML pages would answer: answer JSON."""
    for status in (404, 405):
        html_handlers = dict(app.error_handler_spec[None][status])

        def handler(error: HTTPException, _html=html_handlers) -> Any:
            if request.path.startswith(API_PREFIX):
                return handle_http_error(error)
            for cls in type(error).__mro__:
                if cls in _html:
                    return _html[cls](error)
            return error

        app.register_error_handler(status, handler)
