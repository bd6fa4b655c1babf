"""Parsing API input: a JSON object or query string in, plain values out, or a 400 naming each
field to fix. Nothing is written before every field is valid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email
from flask import request

from app.api.errors import ApiError
from app.extensions import db

MAX_ID = 2**31 - 1  # larger ids cannot exist (and SQLite cannot bind them)
Model = TypeVar("Model")


def get_or_404(model: type[Model], object_id: int, what: str) -> Model:
    found = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if found is None:
        raise ApiError(
            404, f"There is no {what} with id {object_id} (or your account cannot see it)."
        )
    return found


def json_object() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "Send the body as a JSON object with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser recurses: malformed for us, not a 500
        raise ApiError(400, "The JSON body is nested too deeply; send a flat object.") from None
    if not isinstance(data, dict):
        raise ApiError(400, 'The body must be a JSON object, e.g. {"title": "…"}.')
    return data


class Fields:
    """Collects one message per bad field; `done()` raises them all at once."""

    def __init__(self, data: Mapping[str, Any], allowed: Iterable[str], where: str = "body"):
        self.data, self.where = data, where
        self.errors: dict[str, str] = {}
        allowed = set(allowed)
        for name in data:
            if name not in allowed:
                self.errors[name] = f"Unknown field; the fields are: {', '.join(sorted(allowed))}."

    def string(
        self, name: str, required: bool = True, max_length: int = 200, default: str = ""
    ) -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = "Required: give a string."
            return default
        if not isinstance(value, str):
            self.errors[name] = "Must be a string."
            return default
        if "\x00" in value:
            self.errors[name] = "Must not contain NUL characters."
            return default
        if required and not value.strip():
            self.errors[name] = "Must not be empty."
            return default
        if len(value) > max_length:
            self.errors[name] = f"At most {max_length} characters (it has {len(value)})."
            return default
        return value

    def email(self, name: str) -> str:
        value = self.string(name, max_length=254)
        if name in self.errors:
            return value
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            self.errors[name] = f"Not a valid email address: {error}"
            return value

    def integer(
        self, name: str, required: bool = True, minimum: int = 1, maximum: int = MAX_ID
    ) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = "Required: give an integer."
            return None
        if self.where == "query" and isinstance(value, str):
            try:
                value = int(value, 10)
            except ValueError:
                self.errors[name] = "Must be an integer."
                return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = "Must be an integer."
            return None
        if not minimum <= value <= maximum:
            self.errors[name] = f"Must be between {minimum} and {maximum}."
            return None
        return value

    def done(self) -> None:
        if self.errors:
            fields = ", ".join(sorted(self.errors))
            raise ApiError(400, f"Fix these fields: {fields}.", self.errors)


def page_args(max_per_page: int = 100) -> tuple[int, int]:
    fields = Fields(request.args, ("page", "per_page"), where="query")
    page = fields.integer("page", required=False, maximum=100_000) or 1
    per_page = fields.integer("per_page", required=False, maximum=max_per_page) or 50
    fields.done()
    return page, per_page
