"""The OpenAPI document matches the routes, and a property-based run against it finds no 500s."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import document

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


def api_rules(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every API URL rule: <int:job_id> becomes {job_id}."""
    rules = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            rules.add((method.lower(), path))
    return rules


def documented(doc) -> set[tuple[str, str]]:
    return {(method, path) for path, item in doc["paths"].items() for method in item}


def test_every_api_route_is_documented_and_every_documented_path_exists(app):
    routes, doc = api_rules(app), document()
    assert routes - documented(doc) == set(), "routes missing from app/api/openapi.py"
    assert documented(doc) - routes == set(), "documented paths without a route"
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == names, f"{method} {path}: path parameters {params} != {names}"


def test_the_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.")
    assert response.json == document()


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(app, worlds, admin, token_for):
    tokens = {
        "admin": token_for(admin),
        "recruiter": token_for(worlds["a"].recruiter),
        "candidate": token_for(worlds["a"].candidate_user),
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(api_rules(app)) - 1  # all but, perhaps, the document itself
    failures = []
    for operation in operations:
        for who, token in tokens.items():
            try:
                run_operation(operation, {"Authorization": f"Bearer {token}"})
            except Exception as error:  # collect every operation's failure, not just the first
                failures.append(f"{operation.label} as {who}: {error}")
    assert failures == [], "\n\n".join(failures)


def run_operation(operation, headers: dict[str, str]) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()
