"""`@endpoint`: one declaration per API operation, from which its input is parsed, its result
serialised and its entry in the OpenAPI document written (app/api/openapi.py).

The view receives the object it works on (`reach`), its parsed input as `query=`, `body=` or
`form=`, and returns a response shape (app/api/schemas.py); a DomainError it lets through becomes
a 400/409 naming the API's field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import jsonify, request
from flask_login import current_user
from pydantic import ValidationError

from app.api.errors import ApiError
from app.api.inputs import form_fields, json_object
from app.api.shapes import Input, Shape
from app.errors import DomainError

ENDPOINT_ATTRIBUTE = "api_endpoint"


@dataclass(frozen=True)
class Endpoint:
    summary: str
    response: type[Shape]
    status: int = 200
    query: type[Input] | None = None
    body: type[Input] | None = None  # a JSON object
    form: type[Input] | None = None  # multipart/form-data
    errors: tuple[int, ...] = ()  # beyond 401/403/404, and 400/415 that input brings
    # (user, the path's id) -> the object the view works on, or a 404: looked up before the
    # input is parsed, so a user who may not reach the object learns nothing more than 404
    reach: Callable[[Any, int], Any] | None = None

    def inputs(self) -> dict[str, type[Input]]:
        found = {"query": self.query, "body": self.body, "form": self.form}
        return {name: model for name, model in found.items() if model is not None}

    def parse(self) -> dict[str, Input]:
        raw = {
            "query": lambda: request.args.to_dict(),
            "body": json_object,
            "form": form_fields,
        }
        # A JSON body holds real types: nothing is coerced. Query strings and forms hold text.
        return {
            name: parse(model, raw[name](), strict=name == "body")
            for name, model in self.inputs().items()
        }

    def renamed(self) -> dict[str, str]:
        return {k: v for model in self.inputs().values() for k, v in model.domain_fields.items()}


def endpoint(response: type[Shape], **options: Any) -> Callable[..., Any]:
    """Declare a view an API operation (see Endpoint for the options); the first line of the
    view's docstring is the operation's summary."""

    def declare(view: Callable[..., Shape]) -> Callable[..., Any]:
        if not view.__doc__:
            raise TypeError(f"{view.__name__}: an API view says what it does in its docstring")
        spec = Endpoint(view.__doc__.strip().splitlines()[0].rstrip("."), response, **options)

        @functools.wraps(view)
        def run(**path: Any) -> Any:
            args = [spec.reach(current_user, *path.values())] if spec.reach else []
            inputs = spec.parse()
            try:
                result = view(*args, **({} if spec.reach else path), **inputs)
            except DomainError as error:
                raise ApiError.from_domain(error, spec.renamed()) from error
            return jsonify(result.as_json()), spec.status

        setattr(run, ENDPOINT_ATTRIBUTE, spec)
        return run

    return declare


def parse(model: type[Input], data: dict[str, Any], strict: bool) -> Input:
    """The input, or a 400 naming every field to fix (nothing is written before it)."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as error:
        fields: dict[str, str] = {}
        for problem in error.errors(include_url=False):
            name = str(problem["loc"][0]) if problem["loc"] else "body"
            fields.setdefault(name, _message(model, name, problem))
        raise ApiError(400, f"Fix these fields: {', '.join(sorted(fields))}.", fields) from None


def _message(model: type[Input], name: str, problem: Any) -> str:
    """A message saying what to send, from the field's own declaration."""
    field = model.model_json_schema()["properties"].get(name, {})
    facets = {**field, **next(iter(field.get("anyOf", [])), {})}
    kind, ctx = problem["type"], problem.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"Unknown field; the fields are: {', '.join(sorted(model.model_fields))}."
    if kind == "is_instance_of":
        return f"Send a file: {field.get('description', name)}."
    if kind == "missing":
        wanted = field.get("description") or "give " + _KINDS.get(facets.get("type", ""), "a value")
        return f"Required: {wanted}."
    if kind in ("literal_error", "enum"):
        return f"Choose one of: {', '.join(map(str, facets.get('enum', [])))}."
    if kind == "string_too_short":
        return "Must not be empty."
    if kind == "string_too_long":
        return f"At most {ctx['max_length']} characters (it has {len(problem['input'])})."
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"Must be between {facets.get('minimum')} and {facets.get('maximum')}."
    if kind.startswith(("int_", "string_", "bool_")):
        return f"Must be {_KINDS[facets.get('type', 'string')]}."
    return str(problem["msg"])


_KINDS = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "number": "a number",
}
