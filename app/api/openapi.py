"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Nothing here is written by hand per route: the document is assembled from the route table — each
view's `@endpoint` declaration (app/api/endpoints.py), its roles (`roles_required`) and the JSON
schemas of the shapes it takes and returns (app/api/inputs.py, app/api/schemas.py).
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.routing import Rule

from app.api.endpoints import ENDPOINT_ATTRIBUTE, Endpoint
from app.api.shapes import Error
from app.auth.access import allowed_roles
from app.models import Role

JSON = "application/json"
REF = "#/components/schemas/{model}"
DOCUMENT_ENDPOINT = "api.openapi_document"
PATH_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
ERRORS = {
    400: "The input is invalid: `message` says what to fix, `fields` names each bad field.",
    401: "No token, or an unknown or revoked one.",
    403: "The token's user has a role that may not do this.",
    404: "No such object, or the token's user may not see it.",
    409: "Conflicts with existing data (e.g. the email is taken, already applied).",
    413: "The body is larger than allowed.",
    415: "The body is not JSON (Content-Type: application/json).",
}
DESCRIPTION = (
    "Authenticate with a personal API token: `Authorization: Bearer <token>` (create one under "
    "API tokens, or `flask --app wsgi create-token`). The token acts as its user, with that "
    "user's role and object-level access."
)


class _Schemas(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # the property's name says it

    def default_schema(self, schema: Any) -> Any:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", "") is None:
            del json_schema["default"]  # "not given": null is not a value of the field's type
        return json_schema


def document() -> dict[str, Any]:
    """The document of this app's API routes (built once per app)."""
    if "api_openapi" not in current_app.extensions:
        current_app.extensions["api_openapi"] = _document()
    return current_app.extensions["api_openapi"]


def _api_rules() -> list[tuple[Rule, Endpoint | None]]:
    rules = []
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            view = current_app.view_functions[rule.endpoint]
            spec = getattr(view, ENDPOINT_ATTRIBUTE, None)
            if spec is None and rule.endpoint != DOCUMENT_ENDPOINT:
                raise RuntimeError(f"{rule.endpoint}: declare the API view with @endpoint")
            rules.append((rule, spec))
    return rules


def _document() -> dict[str, Any]:
    rules = _api_rules()
    models: list[tuple[Any, Any]] = [(Error, "serialization")]
    for _, spec in rules:
        if spec is not None:
            models.append((spec.response, "serialization"))
            models += [(model, "validation") for model in (spec.body, spec.form) if model]
    refs, definitions = models_json_schema(models, ref_template=REF, schema_generator=_Schemas)
    paths: dict[str, dict[str, Any]] = {}
    for rule, spec in rules:
        path = PATH_PARAMETER.sub(r"{\2}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = (
                _operation(rule, spec, refs) if spec else _document_operation()
            )
    return {
        "openapi": "3.1.0",
        "info": {"title": "HireLab API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": definitions.get("$defs", {}),
            "responses": {
                f"E{code}": {
                    "description": description,
                    "content": {JSON: {"schema": refs[(Error, "serialization")]}},
                }
                for code, description in ERRORS.items()
            },
        },
    }


def _document_operation() -> dict[str, Any]:
    return {
        "summary": "This document",
        "security": [],
        "responses": {"200": {"description": "OpenAPI 3 document"}},
    }


def _operation(rule: Rule, spec: Endpoint, refs: dict[Any, Any]) -> dict[str, Any]:
    roles = allowed_roles(rule.endpoint) or frozenset()
    errors = {401, 403, 404, *spec.errors}
    if spec.inputs():
        errors.add(400)
    if spec.body is not None:
        errors.add(415)
    operation: dict[str, Any] = {
        "summary": spec.summary,
        "description": f"Roles: {', '.join(role.value for role in Role if role in roles)}.",
        "parameters": _path_parameters(rule) + _query_parameters(spec),
        "responses": {
            str(spec.status): {
                "description": "Created" if spec.status == 201 else "OK",
                "content": {JSON: {"schema": refs[(spec.response, "serialization")]}},
            },
            **{str(code): {"$ref": f"#/components/responses/E{code}"} for code in sorted(errors)},
        },
    }
    for model, media_type in ((spec.body, JSON), (spec.form, "multipart/form-data")):
        if model is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {media_type: {"schema": refs[(model, "validation")]}},
            }
    return operation


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    kinds = {"int": {"type": "integer", "minimum": 1}}
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": kinds.get(converter, {"type": "string"}),
        }
        for converter, name in PATH_PARAMETER.findall(rule.rule)
    ]


def _query_parameters(spec: Endpoint) -> list[dict[str, Any]]:
    if spec.query is None:
        return []
    schema = spec.query.model_json_schema(ref_template=REF, schema_generator=_Schemas)
    parameters = []
    for name, field in schema["properties"].items():
        parameter = {"name": name, "in": "query", "required": name in schema.get("required", [])}
        if "description" in field:
            parameter["description"] = field.pop("description")
        parameters.append({**parameter, "schema": field})
    return parameters
